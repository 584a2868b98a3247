<?php
// The health report: every service the application needs, really queried. Each component lists
// its servers with "ok" or "error: why"; a component is ok when all its servers are, and has an
// error when it has none configured.
declare(strict_types=1);

/** Runs one probe, its failure as "error: message" with every secret replaced. */
function health_probe(callable $probe, array $secrets): string
{
    try {
        $probe();
        return 'ok';
    } catch (Throwable $e) {
        $message = trim(app_redact($e->getMessage(), $secrets));
        return 'error: ' . ($message !== '' ? $message : get_class($e));
    }
}

/** A component: its servers' results, ok only when there is at least one and all are ok. */
function health_component(array $servers, int $port, callable $probe, array $secrets, string $none): array
{
    if (!$servers) {
        return ['status' => 'error', 'error' => $none, 'servers' => new stdClass()];
    }
    $results = [];
    foreach ($servers as $server) {
        $results["$server:$port"] = health_probe(fn () => $probe($server), $secrets);
    }
    $ok = count(array_filter($results, fn ($r) => $r === 'ok')) === count($results);
    return ['status' => $ok ? 'ok' : 'error', 'servers' => $results];
}

function health_report(): array
{
    try {
        $config = app_config();
    } catch (Throwable $e) {
        return ['status' => 'error', 'error' => $e->getMessage(), 'components' => new stdClass()];
    }
    $secrets = app_secrets($config);
    $token = bin2hex(random_bytes(16));
    $host = (string) ($config['host'] ?? gethostname());
    $db = $config['mariadb'];
    $primary = ($db['primary'] ?? '') !== '' ? [$db['primary']] : [];

    $components = [
        // a write on the primary: this host's row with a fresh token
        'mariadb_write' => health_component($primary, (int) $db['port'], function (string $server) use ($config, $host, $token) {
            $pdo = app_mariadb($config, $server);
            $pdo->prepare('INSERT INTO health_probe (host, token, written_at) VALUES (?, ?, NOW(6))
                ON DUPLICATE KEY UPDATE token = VALUES(token), written_at = VALUES(written_at)')->execute([$host, $token]);
            $read = $pdo->prepare('SELECT token FROM health_probe WHERE host = ?');
            $read->execute([$host]);
            if ($read->fetchColumn() !== $token) {
                throw new RuntimeException('the row written is not read back');
            }
        }, $secrets, 'no MariaDB primary (masterdb) in the configuration'),
        // a read on every replica, which must be read-only
        'mariadb_read' => health_component($db['replicas'] ?? [], (int) $db['port'], function (string $server) use ($config) {
            $pdo = app_mariadb($config, $server);
            $pdo->query('SELECT COUNT(*) FROM health_probe')->fetchColumn();
            if ((int) $pdo->query('SELECT @@read_only')->fetchColumn() !== 1) {
                throw new RuntimeException('the replica is not read-only');
            }
        }, $secrets, 'no MariaDB replica (db) in the configuration'),
        // Redis: AUTH with the password, PING, then a key set and read back
        'redis' => health_component($config['redis']['servers'] ?? [], (int) $config['redis']['port'], function (string $server) use ($config, $host, $token) {
            $redis = new Redis();
            if (!$redis->connect($server, (int) $config['redis']['port'], 2.0, null, 0, 2.0)) {
                throw new RuntimeException('cannot connect');
            }
            $password = $config['redis']['password'] ?? '';
            if ($password !== '' && !$redis->auth($password)) {
                throw new RuntimeException('authentication refused');
            }
            $redis->ping();
            $key = "health:$host";
            $redis->set($key, $token, ['ex' => 60]);
            if ($redis->get($key) !== $token) {
                throw new RuntimeException('the key set is not read back');
            }
            $redis->close();
        }, $secrets, 'no Redis server (sessions) in the configuration'),
        // memcached: a key set and read back on every server
        'memcached' => health_component($config['memcached']['servers'] ?? [], (int) $config['memcached']['port'], function (string $server) use ($config, $host, $token) {
            $mc = new Memcached();
            $mc->setOption(Memcached::OPT_CONNECT_TIMEOUT, 2000);
            $mc->setOption(Memcached::OPT_SEND_TIMEOUT, 2000000);
            $mc->setOption(Memcached::OPT_RECV_TIMEOUT, 2000000);
            $mc->addServer($server, (int) $config['memcached']['port']);
            $key = "health:$host";
            if (!$mc->set($key, $token, 60)) {
                throw new RuntimeException('set failed: ' . $mc->getResultMessage());
            }
            if ($mc->get($key) !== $token) {
                throw new RuntimeException('the key set is not read back: ' . $mc->getResultMessage());
            }
        }, $secrets, 'no memcached server in the configuration'),
        // the mail relay answers SMTP (nothing is sent)
        'mail' => health_component(($config['mail']['relay'] ?? '') !== '' ? [$config['mail']['relay']] : [], (int) $config['mail']['port'], function (string $server) use ($config) {
            smtp_greets($server, (int) $config['mail']['port']);
        }, $secrets, 'no mail relay in the configuration'),
    ];
    $ok = count(array_filter($components, fn ($c) => $c['status'] === 'ok')) === count($components);
    return ['status' => $ok ? 'ok' : 'error', 'host' => $host, 'components' => $components];
}

/** Connects, expects the 220 greeting and a 250 answer to EHLO, then quits. */
function smtp_greets(string $server, int $port): void
{
    $s = @stream_socket_client("tcp://$server:$port", $errno, $errstr, 3.0);
    if ($s === false) {
        throw new RuntimeException("cannot connect: $errstr");
    }
    stream_set_timeout($s, 3);
    $reply = function () use ($s): string {
        $lines = '';
        while (($line = fgets($s, 1024)) !== false) {
            $lines .= $line;
            if (strlen($line) < 4 || $line[3] !== '-') {
                break;
            }
        }
        return $lines;
    };
    $greeting = $reply();
    if (!str_starts_with($greeting, '220')) {
        throw new RuntimeException('no SMTP greeting: ' . substr(trim($greeting), 0, 200));
    }
    fwrite($s, "EHLO " . gethostname() . "\r\n");
    $ehlo = $reply();
    fwrite($s, "QUIT\r\n");
    fclose($s);
    if (!str_starts_with($ehlo, '250')) {
        throw new RuntimeException('EHLO refused: ' . substr(trim($ehlo), 0, 200));
    }
}
