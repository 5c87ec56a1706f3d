package io.dualhub.central.store;

/**
 * What a backup file holds: its restore point, its points and edges, and the store schema it was written with.
 */
public record BackupContents(RestorePoint restorePoint, long points, int edges, int schemaVersion) {}
