package io.dualhub.central.dashboard;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard: {@code GET /} is its page, {@code GET /ui/{file}} its scripts, styles and the charting library
 * (uPlot, from its webjar), all read from this jar: nothing comes from the network. The page holds no data; it reads
 * the HTTP API like any client, with the API's tokens, so serving it needs none. Only the files named here are
 * served, each with a content type and a policy that lets the page load nothing from elsewhere.
 */
@Controller
public class DashboardController {
    /** Loads scripts, styles and data only from this hub; uPlot sets element styles from its script. */
    public static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline';"
                    + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final String UPLOT = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
    private static final Map<String, Asset> ASSETS = Map.of(
            "app.js", new Asset("dashboard/app.js", "text/javascript; charset=utf-8"),
            "app.css", new Asset("dashboard/app.css", "text/css; charset=utf-8"),
            "uplot.js", new Asset(UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
            "uplot.css", new Asset(UPLOT + "uPlot.min.css", "text/css; charset=utf-8"));
    private static final Asset PAGE = new Asset("dashboard/index.html", MediaType.TEXT_HTML + "; charset=utf-8");

    /** A file of this jar, read once (the jar does not change under a running hub), and the type it is served as. */
    private record Asset(byte[] bytes, String contentType) {
        Asset(String resource, String contentType) {
            this(read(resource), contentType);
        }
    }

    @Get(uris = {"/", "/index.html"})
    public MutableHttpResponse<byte[]> page() {
        return serve(PAGE);
    }

    @Get("/ui/{file}")
    public MutableHttpResponse<?> asset(String file) {
        Asset asset = ASSETS.get(file);
        return asset == null ? HttpResponse.notFound() : serve(asset);
    }

    private static MutableHttpResponse<byte[]> serve(Asset asset) {
        return HttpResponse.ok(asset.bytes())
                .contentType(asset.contentType())
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Cache-Control", "no-cache"); // revalidated, so an upgraded hub serves its own page
    }

    private static byte[] read(String resource) {
        try (InputStream in = DashboardController.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("BUG: the dashboard's " + resource + " is missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The uPlot webjar's version, from its own Maven metadata (so the build's version is the only one). */
    private static String uplotVersion() {
        try (InputStream in = DashboardController.class
                .getClassLoader()
                .getResourceAsStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("BUG: the uPlot webjar is not on the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
