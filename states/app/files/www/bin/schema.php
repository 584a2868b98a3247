<?php
// Creates the application's missing tables on the MariaDB primary. With --check, only says (exit
// status 0) whether every table is there.
declare(strict_types=1);

require __DIR__ . '/../lib/config.php';
require __DIR__ . '/../lib/schema.php';

$check = in_array('--check', array_slice($argv, 1), true);
$secrets = [];
try {
    $config = app_config();
    $secrets = app_secrets($config);
    $primary = $config['mariadb']['primary'] ?? '';
    if ($primary === '') {
        throw new RuntimeException('no MariaDB primary in the configuration (no masterdb host has reported an address yet)');
    }
    $pdo = app_mariadb($config, $primary);
    $missing = app_missing_tables($pdo);
    if ($check) {
        exit($missing ? 1 : 0);
    }
    foreach ($missing as $table) {
        $pdo->exec(APP_TABLES[$table]);
        echo "created table $table on $primary\n";
    }
} catch (Throwable $e) {
    fwrite(STDERR, app_redact($e->getMessage(), $secrets) . "\n");
    exit(2);
}
