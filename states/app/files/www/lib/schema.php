<?php
// The application's tables, created on the MariaDB primary; the replicas receive them by
// replication.
declare(strict_types=1);

const APP_TABLES = [
    'health_probe' => 'CREATE TABLE IF NOT EXISTS health_probe (
        host VARCHAR(255) NOT NULL PRIMARY KEY,
        token CHAR(32) NOT NULL,
        written_at DATETIME(6) NOT NULL
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4',
];

/** Names of the application's tables missing on the server. */
function app_missing_tables(PDO $pdo): array
{
    $present = $pdo->query('SHOW TABLES')->fetchAll(PDO::FETCH_COLUMN);
    return array_values(array_diff(array_keys(APP_TABLES), $present));
}
