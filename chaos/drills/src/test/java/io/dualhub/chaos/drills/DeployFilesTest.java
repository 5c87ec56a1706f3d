package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.OsProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The container image, compose and Kubernetes files, checked as far as this machine allows without a container
 * engine or a cluster: the Dockerfile's stages, user and copied paths; {@code docker-compose config} where the tool
 * is installed; every YAML parsed; every shipped hub configuration started for real; probes on the health endpoints;
 * ports, heaps and image names agreeing across the files.
 */
class DeployFilesTest {
    private static final Path HOME = HubProcess.home();
    private static final Path DEPLOY = HOME.resolve("deploy");

    /** The API tokens the shipped CentralHub configs take from the environment (they listen beyond loopback). */
    private static final Map<String, String> API_TOKENS =
            Map.of("DUALHUB_VIEWER_TOKEN", "viewer-7f3a", "DUALHUB_OPERATOR_TOKEN", "operator-91c2");

    @TempDir
    Path dir;

    @Test
    void theDockerfileBuildsBothHubsToRunAsNonRootWithTheServiceHeaps() throws Exception {
        Map<String, List<String>> stages = dockerfileStages();
        assertThat(stages.keySet()).containsExactly("build", "runtime", "edge", "central");
        assertThat(stages.get("runtime")).contains("USER 10001:10001");
        for (String role : List.of("edge", "central")) {
            List<String> stage = stages.get(role);
            assertThat(stage.get(0)).isEqualTo("FROM runtime AS " + role);
            assertThat(stage).noneMatch(i -> i.startsWith("USER"));
            assertThat(stage).contains("EXPOSE " + (role.equals("edge") ? 8471 : 8470));
            assertThat(String.join("\n", stage))
                    .as("the heap install-%s.sh gives", role)
                    .contains("\"-Xmx" + installedHeap(role) + "\"");
            List<String> heapFlags =
                    role.equals("edge") ? HubProcess.INSTALLED_EDGE_HEAP : HubProcess.INSTALLED_CENTRAL_HEAP;
            assertThat(String.join("\n", stage))
                    .as("the heap flags the drills and the soak run this role with")
                    .contains(heapFlags.stream().map(f -> "\"" + f + "\"").toList());
        }
        for (List<String> stage : stages.values()) {
            for (String copy : stage.stream()
                    .filter(i -> i.startsWith("COPY --from=build /src/"))
                    .toList()) {
                String source = copy.split(" ")[2].substring("/src/".length());
                assertThat(Files.exists(HOME.resolve(source))
                                || String.join("\n", stages.get("build")).contains("> /src/" + source))
                        .as("%s: built or written by the build stage", copy)
                        .isTrue();
            }
        }
    }

    @Test
    void theComposeStackIsValidAndItsHubConfigurationsStart() throws Exception {
        Path compose = DEPLOY.resolve("compose/compose.yml");
        Path secrets = composeSecrets();
        if (Files.isExecutable(Path.of("/usr/bin/docker-compose"))) {
            run("docker-compose", List.of("/usr/bin/docker-compose", "-f", compose.toString(), "config", "-q"));
        } else {
            System.out.println("docker-compose config not run: apt-get install --no-install-recommends docker-compose");
        }
        Map<String, Object> services = map(yaml(compose), "services");
        assertThat(services).containsOnlyKeys("nats-1", "nats-2", "nats-3", "central-a", "central-b", "edge");
        Map<String, List<String>> stages = dockerfileStages();
        for (String hub : List.of("central-a", "central-b", "edge")) {
            Map<String, Object> build = map(map(services, hub), "build");
            assertThat(stages).containsKey((String) build.get("target"));
            assertThat(compose.getParent()
                            .resolve((String) build.get("context"))
                            .resolve((String) build.get("dockerfile")))
                    .exists();
        }
        for (Object service : services.values()) {
            for (Object volume : (List<?>) ((Map<?, ?>) service).get("volumes")) {
                String source = volume.toString().split(":")[0];
                Path mounted = source.startsWith("./secrets/")
                        ? secrets.resolve(source.substring("./secrets/".length()))
                        : compose.getParent().resolve(source);
                if (source.startsWith(".")) {
                    assertThat(mounted)
                            .as("mounted " + source + " (by the repository or setup.sh)")
                            .exists();
                }
            }
        }
        natsServerTakes(secrets, "nats-1.conf");
        for (String hub : List.of("central-a", "central-b", "edge")) {
            assertThat(String.valueOf(map(services, hub).get("volumes")))
                    .as(hub + " gets its own NKey seed")
                    .contains("./secrets/" + (hub.equals("edge") ? "compose-edge" : hub)
                            + ".nk:/etc/dualhub/secrets/nats.nk");
        }
        HubProcess.startsOn("central", withSecretsIn(DEPLOY.resolve("compose/central.yml"), secrets, "central-a"), dir);
        HubProcess.startsOn("edge", withSecretsIn(DEPLOY.resolve("compose/edge.yml"), secrets, "compose-edge"), dir);
    }

    /** The shipped node config with the accounts.conf setup.sh made is one nats-server takes ({@code -t}). */
    private void natsServerTakes(Path secrets, String nodeConfig) throws Exception {
        Path conf = Files.createDirectories(dir.resolve("nats-conf"));
        Files.copy(DEPLOY.resolve("nats").resolve(nodeConfig), conf.resolve(nodeConfig));
        Files.copy(DEPLOY.resolve("nats/cluster.conf"), conf.resolve("cluster.conf"));
        Files.copy(secrets.resolve("nats/accounts.conf"), conf.resolve("accounts.conf"));
        run(
                "nats-server",
                List.of("nats-server", "-t", "-c", conf.resolve(nodeConfig).toString()));
    }

    /** A copy of a compose hub config whose secret files are the ones setup.sh made for {@code user}. */
    private Path withSecretsIn(Path config, Path secrets, String user) throws Exception {
        String text = Files.readString(config)
                .replace(
                        "/etc/dualhub/secrets/nats.nk",
                        secrets.resolve(user + ".nk").toString())
                .replace("/etc/dualhub/secrets/", secrets + "/");
        assertThat(text).doesNotContain("/etc/dualhub/secrets");
        return Files.writeString(dir.resolve(user + "-" + config.getFileName()), text);
    }

    /** The NKey users, accounts.conf and API tokens deploy/compose/setup.sh makes, in a directory of this test. */
    private Path composeSecrets() throws Exception {
        Path secrets = dir.resolve("secrets");
        run("setup", List.of(DEPLOY.resolve("compose/setup.sh").toString(), secrets.toString()));
        return secrets;
    }

    /** Runs a command to its end, which must succeed. */
    private void run(String name, List<String> command) throws Exception {
        Path log = dir.resolve(name + ".log");
        OsProcess p = OsProcess.start(name, command, log);
        assertThat(p.awaitExit(Duration.ofSeconds(120))).as(name + " ends").isTrue();
        assertThat(p.exitValue()).as(name + ": " + Files.readString(log)).isZero();
    }

    @Test
    void theKubernetesManifestsProbeTheHealthEndpointsAndTheirConfigurationsStart() throws Exception {
        Map<String, Map<String, Object>> central = manifests("central-hub.yaml");
        Map<String, Object> statefulSet = central.get("StatefulSet/dualhub-central");
        Map<String, Object> pod = map(map(map(statefulSet, "spec"), "template"), "spec");
        assertThat(map(pod, "securityContext")).containsEntry("runAsNonRoot", true);
        Map<String, Object> container = containers(pod).get(0);
        assertThat(container.get("image")).isEqualTo("dualhub/central:dev");
        assertThat(probePath(container, "livenessProbe")).isEqualTo("/health/liveness");
        assertThat(probePath(container, "readinessProbe")).isEqualTo("/health/readiness");
        assertThat(map(map(container, "livenessProbe"), "httpGet").get("port")).isEqualTo("http");
        assertThat(container.get("ports").toString()).contains("name=http", "containerPort=8470");
        assertThat(central).containsKey("Service/" + map(statefulSet, "spec").get("serviceName"));
        assertThat(container.get("env").toString())
                .as("tokens from the Secret")
                .contains("name=DUALHUB_VIEWER_TOKEN", "name=DUALHUB_OPERATOR_TOKEN", "name=dualhub-central-api");
        assertThat(container.get("args"))
                .as("each instance its own NKey user")
                .asString()
                .contains("--nkey, file:/etc/dualhub/secrets/$(POD_NAME).nk");
        assertThat(pod.get("volumes").toString()).contains("secretName=dualhub-central-nats");
        startsOnConfigMap(central.get("ConfigMap/dualhub-central"), "central");

        Map<String, Map<String, Object>> edge = manifests("edge-daemonset.yaml");
        Map<String, Object> edgeContainer = containers(
                        map(map(map(edge.get("DaemonSet/dualhub-edge"), "spec"), "template"), "spec"))
                .get(0);
        assertThat(edgeContainer.get("image")).isEqualTo("dualhub/edge:dev");
        assertThat(probePath(edgeContainer, "livenessProbe")).isEqualTo("/health");
        assertThat(map(edgeContainer, "securityContext")).containsEntry("runAsNonRoot", true);
        assertThat(edgeContainer.get("args"))
                .as("each edge its own NKey user")
                .asString()
                .contains("--nkey, file:/etc/dualhub/secrets/$(NODE_NAME).nk");
        startsOnConfigMap(edge.get("ConfigMap/dualhub-edge"), "edge");

        Map<String, Object> values = yaml(DEPLOY.resolve("k8s/nats-values.yaml"));
        assertThat(map(map(values, "config"), "cluster"))
                .containsEntry("enabled", true)
                .containsEntry("replicas", 3);
        assertThat(map(map(values, "config"), "jetstream")).containsEntry("enabled", true);
    }

    private void startsOnConfigMap(Map<String, Object> configMap, String role) throws Exception {
        Path config = Files.writeString(
                dir.resolve(role + ".yml"), (String) map(configMap, "data").get(role + ".yml"));
        HubProcess.startsOn(role, config, dir, API_TOKENS);
    }

    /** Every document of a manifest file by kind/name; each must have apiVersion, kind and metadata.name. */
    private static Map<String, Map<String, Object>> manifests(String file) throws Exception {
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        for (Object doc :
                new Yaml().loadAll(Files.readString(DEPLOY.resolve("k8s").resolve(file)))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) doc;
            assertThat(m).containsKeys("apiVersion", "kind", "metadata");
            byName.put(m.get("kind") + "/" + map(m, "metadata").get("name"), m);
        }
        return byName;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> containers(Map<String, Object> podSpec) {
        return (List<Map<String, Object>>) podSpec.get("containers");
    }

    private static String probePath(Map<String, Object> container, String probe) {
        return (String) map(map(container, probe), "httpGet").get("path");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        assertThat(parent).containsKey(key);
        return (Map<String, Object>) parent.get(key);
    }

    private static Map<String, Object> yaml(Path file) throws Exception {
        return new Yaml().load(Files.readString(file));
    }

    /** The Dockerfile's instructions by stage, continuation lines joined, comments dropped. */
    private static Map<String, List<String>> dockerfileStages() throws Exception {
        String text = Files.readString(DEPLOY.resolve("container/Dockerfile")).replaceAll("\\\\\n\\s*", "");
        Map<String, List<String>> stages = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher from = Pattern.compile("FROM \\S+ AS (\\S+)").matcher(line);
            if (from.matches()) {
                current = new ArrayList<>();
                stages.put(from.group(1), current);
            }
            assertThat(current)
                    .as("an instruction before the first FROM: " + line)
                    .isNotNull();
            current.add(line.strip());
        }
        return stages;
    }

    /** The heap deploy/install-hub.sh gives a role's service (its case line: heap=64m). */
    private static String installedHeap(String role) throws Exception {
        Matcher m = Pattern.compile("(?m)^\\s*" + role + "\\).*heap=(\\S+);")
                .matcher(Files.readString(DEPLOY.resolve("install-hub.sh")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
