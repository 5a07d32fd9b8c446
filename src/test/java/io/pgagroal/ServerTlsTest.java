package io.pgagroal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.pgagroal.config.ConfigException;
import io.pgagroal.config.PgagroalConfig;
import io.pgagroal.security.Credentials;
import io.pgagroal.testing.Certificates;
import io.pgagroal.testing.Endpoint;
import io.pgagroal.testing.LogLines;
import io.pgagroal.testing.PoolerExtension;
import io.pgagroal.testing.Ports;
import io.pgagroal.testing.PostgresServer;
import io.pgagroal.testing.PostgresServer.AuthMethod;
import io.pgagroal.testing.Psql;
import io.pgagroal.testing.ProcessResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.util.PSQLException;

/**
 * TLS between the pooler and PostgreSQL. The main server runs ssl = on with a certificate of the
 * test's CA and only hostssl lines for TCP, so anything that reaches it over cleartext is refused;
 * it also accepts the CA's client certificate for {@code certuser} (hba cert). Two more servers
 * cover what must fail or fall back: one with ssl = off, one whose certificate names another host.
 */
class ServerTlsTest {

    private static final Certificates CA = Certificates.authority("server-tls");
    private static final String CERT_USER = "certuser";

    @RegisterExtension
    static final PoolerExtension PG = PoolerExtension.auth(AuthMethod.SCRAM)
            .postgresOptions(b -> b.tls(CA.server(), CA.caCertificate()).hostsslOnly()
                    .hbaEntry("hostssl all " + CERT_USER + " 127.0.0.1/32 cert"))
            .configure(b -> b.serverSet("tls_mode", "verify-full").serverSet("tls_ca_file", CA.caCertificate().toString()));

    private static final String SSL_REQUEST = "0000000804d2162f";

    private static PostgresServer plain;
    private static PostgresServer otherName;
    private static Path socketDir;

    @BeforeAll
    static void otherServers() throws IOException {
        PG.postgres().execute("CREATE ROLE " + CERT_USER + " LOGIN");
        plain = PostgresServer.builder().start();
        otherName = PostgresServer.builder().tls(CA.serverNamed("db.example.com"), null).start();
        socketDir = Files.createTempDirectory("pgagroal-server-tls");
    }

    @AfterAll
    static void stopOtherServers() throws IOException {
        for (PostgresServer server : new PostgresServer[] {plain, otherName}) {
            if (server != null) {
                server.stop();
            }
        }
        Files.deleteIfExists(socketDir);
        CA.close();
    }

    @Test
    void passThroughClientsGetTlsConnectionsWithoutChannelBindingOffered() throws Exception {
        ProcessResult psql = Psql.query(PG.endpoint(), "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
        assertThat(psql.succeeded()).as(psql.describe()).isTrue();
        assertThat(psql.stdout().strip()).as("the pooler's connection, seen by PostgreSQL").isEqualTo("t");
    }

    /** validation = foreground: each reuse first runs a check on the connection, inside its TLS. */
    @Test
    void sessionPipelinePoolsTlsConnectionsAndReusesThem() throws Exception {
        Credentials vault = PoolerExtension.VAULT;
        try (Pgagroal pooler = Pgagroal.start(verifyFull(PG.baseConfig()).users(vault.knownUsers())
                .set("validation", "foreground").build(), vault)) {
            assertThat(pooler.config().main().pipeline().name()).as("auto with server TLS").isEqualTo("SESSION");
            Endpoint endpoint = appEndpoint(pooler);
            String psqlPid = psqlBackendPid(endpoint);
            PoolerExtension.awaitIdle(pooler);
            assertThat(psqlBackendPid(endpoint)).as("psql twice: one TLS connection").isEqualTo(psqlPid);
            PoolerExtension.awaitIdle(pooler);
            String first = backendPid(DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), endpoint.password()));
            PoolerExtension.awaitIdle(pooler);
            String second = backendPid(DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), endpoint.password()));
            assertThat(second).as("pgJDBC twice (other startup parameters than psql's): one TLS connection").isEqualTo(first);
            assertThat(PG.postgres().query("SELECT ssl || ' ' || version FROM pg_stat_ssl WHERE pid = " + first))
                    .matches("true TLSv1\\.[23]");
            assertThat(PG.postgres().query("SELECT count(*) FILTER (WHERE s.ssl) || ' ' || count(*) FROM pg_stat_ssl s"
                    + " JOIN pg_stat_activity a USING (pid) WHERE a.usename = 'app' AND a.pid IN (" + psqlPid + ", " + first + ")"))
                    .isEqualTo("2 2");
        }
    }

    @Test
    void transactionPipelineSharesFewTlsConnectionsAmongManyClients() throws Exception {
        Credentials vault = PoolerExtension.VAULT;
        try (Pgagroal pooler = Pgagroal.start(verifyFull(PG.baseConfig()).users(vault.knownUsers())
                .set("pipeline", "transaction").set("allow_unknown_users", "off").set("max_connections", "20")
                .limit("appdb app 2 2 2").build(), vault)) {
            Endpoint endpoint = appEndpoint(pooler);
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<Set<String>>> results = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                results.add(clients.submit(() -> {
                    Set<String> pids = new HashSet<>();
                    try (Connection connection = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), endpoint.password())) {
                        for (int i = 0; i < 5; i++) {
                            pids.add(backendPidOf(connection));
                        }
                    }
                    return pids;
                }));
            }
            Set<String> pids = new HashSet<>();
            for (Future<Set<String>> result : results) {
                pids.addAll(result.get(60, TimeUnit.SECONDS));
            }
            clients.shutdown();
            assertThat(pids).as("8 clients, 40 transactions over max_size 2").hasSizeBetween(1, 2);
            String inList = pids.stream().collect(Collectors.joining(",", "(", ")"));
            assertThat(PG.postgres().query("SELECT bool_and(ssl) FROM pg_stat_ssl WHERE pid IN " + inList)).isEqualTo("t");
        }
    }

    /** auth_query's lookup is a connection of its own: on a hostssl-only server it must use TLS too. */
    @Test
    void authQueryLooksUpPasswordsOverTls() throws Exception {
        Psql.script(PG.postgres().superuserEndpoint().withDatabase(PoolerExtension.DATABASE), """
                CREATE OR REPLACE FUNCTION public.pgagroal_get_password(p_user name) RETURNS TABLE (passwd text)
                LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
                AS $$SELECT passwd FROM pg_shadow WHERE usename = p_user$$;
                REVOKE ALL ON FUNCTION public.pgagroal_get_password(name) FROM PUBLIC;
                """).orThrow();
        Credentials superuser = new Credentials(Map.of(), Map.of(), PG.postgres().superuser(), PG.postgres().superuserPassword());
        try (Pgagroal pooler = Pgagroal.start(poolerFor(PG.postgres()).users(superuser.knownUsers()).set("auth_query", "on")
                .serverSet("tls_mode", "verify-full").serverSet("tls_ca_file", CA.caCertificate().toString())
                .hba("host all all all all").build(), superuser);
                Connection connection = DriverManager.getConnection(appEndpoint(pooler).jdbcUrl(), PoolerExtension.USER,
                        PoolerExtension.PASSWORD)) {
            String pid = backendPidOf(connection);
            assertThat(PG.postgres().query("SELECT ssl FROM pg_stat_ssl WHERE pid = " + pid)).isEqualTo("t");
        }
    }

    /**
     * PostgreSQL takes a CancelRequest before it looks at pg_hba.conf, so a cleartext one would work
     * too: the recording relay in front of the server shows that the cancel's connection, like the
     * session's, starts with an SSLRequest (libpq 17 encrypts cancels likewise).
     */
    @Test
    void cancelReachesAHostsslOnlyServerOverTls() throws Exception {
        try (FirstPackets relay = new FirstPackets(PG.postgres().port());
                Pgagroal pooler = Pgagroal.start(PgagroalConfig.builder().set("host", "127.0.0.1")
                        .set("port", Integer.toString(Ports.free())).set("unix_socket_dir", socketDir.toString())
                        .set("authentication_timeout", "5").set("blocking_timeout", "5")
                        .server("relayed", "127.0.0.1", relay.port())
                        .serverSet("tls_mode", "verify-full").serverSet("tls_ca_file", CA.caCertificate().toString())
                        .hba("host all all all trust").build());
                Connection connection = DriverManager.getConnection(appEndpoint(pooler).jdbcUrl(), PoolerExtension.USER,
                        PoolerExtension.PASSWORD);
                Statement sleeping = connection.createStatement()) {
            CompletableFuture<Boolean> query = CompletableFuture.supplyAsync(() -> {
                try {
                    return sleeping.execute("SELECT pg_sleep(20)");
                } catch (SQLException e) {
                    throw new IllegalStateException(e.getSQLState() + " " + e.getMessage(), e);
                }
            });
            PG.postgres().awaitRunning("SELECT pg_sleep(20)");
            long start = System.nanoTime();
            sleeping.cancel();
            assertThatThrownBy(() -> query.get(10, TimeUnit.SECONDS)).hasMessageContaining("57014");
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(5);
            assertThat(relay.packets()).as("the session's connection, then the cancel's").hasSize(2)
                    .allSatisfy(first -> assertThat(first).isEqualTo(SSL_REQUEST));
        }
    }

    @Test
    void aClientCertificateIsPresentedWhenConfigured() throws Exception {
        Certificates.Pair client = CA.client(CERT_USER);
        try (Pgagroal pooler = Pgagroal.start(verifyFull(PG.baseConfig())
                .serverSet("tls_cert_file", client.certificate().toString())
                .serverSet("tls_key_file", client.key().toString()).build());
                Connection connection = connect(pooler, CERT_USER, "postgres")) {
            String pid = backendPidOf(connection);
            assertThat(PG.postgres().query("SELECT client_dn FROM pg_stat_ssl WHERE pid = " + pid)).isEqualTo("/CN=" + CERT_USER);
        }
        assertThatThrownBy(() -> PG.connect(CERT_USER, null, new Properties()).close())
                .as("the same user through a pooler without the certificate").isInstanceOf(PSQLException.class)
                .hasMessageContaining("certificate");
    }

    @Test
    void verifyFullRefusesACertificateForAnotherHost() throws Exception {
        try (LogLines log = LogLines.capture("io.pgagroal");
                Pgagroal pooler = Pgagroal.start(other(otherName, "tls_mode = verify-full", "tls_ca_file = " + CA.caCertificate()))) {
            assertThatThrownBy(() -> connect(pooler, otherName.superuser(), "postgres").close())
                    .isInstanceOf(PSQLException.class)
                    .hasMessageContaining("could not connect to the PostgreSQL server other: TLS with PostgreSQL server other failed"
                            + " (tls_mode = verify-full)")
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("08006"));
            assertThat(log.await(Level.WARN, "Could not connect to server")).contains("verify-full");
        }
        try (Pgagroal pooler = Pgagroal.start(other(otherName, "tls_mode = verify-ca", "tls_ca_file = " + CA.caCertificate()));
                Connection connection = connect(pooler, otherName.superuser(), "postgres")) {
            assertThat(otherName.query("SELECT ssl FROM pg_stat_ssl WHERE pid = " + backendPidOf(connection)))
                    .as("verify-ca does not check the host name").isEqualTo("t");
        }
    }

    @Test
    void verifyCaRefusesAServerSignedByAnotherCa() throws Exception {
        try (Certificates stranger = Certificates.authority("stranger");
                Pgagroal pooler = Pgagroal.start(verifyFull(PG.baseConfig()).serverSet("tls_mode", "verify-ca")
                        .serverSet("tls_ca_file", stranger.caCertificate().toString()).build())) {
            assertThatThrownBy(() -> connect(pooler, PoolerExtension.USER, PoolerExtension.DATABASE).close())
                    .isInstanceOf(PSQLException.class)
                    .hasMessageContaining("TLS with PostgreSQL server primary failed (tls_mode = verify-ca)");
        }
    }

    @Test
    void requireRefusesAServerWithoutTlsAndPreferFallsBackToCleartextOnlyThere() throws Exception {
        try (Pgagroal pooler = Pgagroal.start(other(plain, "tls = on"))) {
            assertThatThrownBy(() -> connect(pooler, plain.superuser(), "postgres").close())
                    .isInstanceOf(PSQLException.class)
                    .hasMessageContaining("could not connect to the PostgreSQL server other:"
                            + " PostgreSQL server other does not accept TLS (tls_mode = require)");
            assertThat(plain.query("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                    + " AND client_addr IS NOT NULL")).as("nothing reached the server in cleartext").isEqualTo("0");
        }
        try (Pgagroal pooler = Pgagroal.start(other(plain, "tls_mode = prefer"));
                Connection connection = connect(pooler, plain.superuser(), "postgres")) {
            assertThat(plain.query("SELECT ssl FROM pg_stat_ssl WHERE pid = " + backendPidOf(connection))).isEqualTo("f");
        }
        try (Pgagroal pooler = Pgagroal.start(other(otherName, "tls_mode = prefer"));
                Connection connection = connect(pooler, otherName.superuser(), "postgres")) {
            assertThat(otherName.query("SELECT ssl FROM pg_stat_ssl WHERE pid = " + backendPidOf(connection)))
                    .as("prefer takes TLS when offered").isEqualTo("t");
        }
    }

    /** A second pooler in front of the main server (its own socket directory), verify-full. */
    private static PgagroalConfig.Builder verifyFull(PgagroalConfig.Builder builder) {
        return builder.set("unix_socket_dir", socketDir.toString()).serverSet("tls_mode", "verify-full").serverSet("tls_ca_file", CA.caCertificate().toString());
    }

    /** A pooler in front of {@code server} alone, as section [other] with these lines, trust at the pooler. */
    private static PgagroalConfig other(PostgresServer server, String... serverLines) throws ConfigException {
        PgagroalConfig.Builder builder = poolerFor(server).hba("host all all all trust");
        for (String line : serverLines) {
            String[] keyValue = line.split(" = ", 2);
            builder.serverSet(keyValue[0], keyValue[1]);
        }
        return builder.build();
    }

    private static PgagroalConfig.Builder poolerFor(PostgresServer server) {
        return PgagroalConfig.builder()
                .set("host", "127.0.0.1")
                .set("port", Integer.toString(Ports.free()))
                .set("unix_socket_dir", socketDir.toString())
                .set("authentication_timeout", "5")
                .set("blocking_timeout", "5")
                .server("other", server.host(), server.port());
    }

    private static Connection connect(Pgagroal pooler, String user, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        return DriverManager.getConnection(new Endpoint("127.0.0.1", pooler.port(), user, null, database).jdbcUrl(), properties);
    }

    private static Endpoint appEndpoint(Pgagroal pooler) {
        return new Endpoint("127.0.0.1", pooler.port(), PoolerExtension.USER, PoolerExtension.PASSWORD, PoolerExtension.DATABASE);
    }

    private static String psqlBackendPid(Endpoint endpoint) {
        ProcessResult psql = Psql.query(endpoint, "SELECT pg_backend_pid()");
        assertThat(psql.succeeded()).as(psql.describe()).isTrue();
        return psql.stdout().strip();
    }

    private static String backendPid(Connection connection) throws SQLException {
        try (connection) {
            return backendPidOf(connection);
        }
    }

    private static String backendPidOf(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * A TCP relay in front of a server that keeps the first 8 bytes each connection sent (in hex):
     * an SSLRequest, a StartupMessage's length and version, or a CancelRequest's length and code.
     */
    private static final class FirstPackets implements AutoCloseable {
        private final ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<String> packets = new CopyOnWriteArrayList<>();
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();
        private final int target;

        FirstPackets(int target) throws IOException {
            this.target = target;
            Thread.ofVirtual().start(this::accept);
        }

        int port() {
            return listener.getLocalPort();
        }

        List<String> packets() {
            return packets;
        }

        private void accept() {
            try {
                while (true) {
                    Socket client = listener.accept();
                    Socket server = new Socket(InetAddress.getLoopbackAddress(), target);
                    sockets.add(client);
                    sockets.add(server);
                    Thread.ofVirtual().start(() -> relay(client, server));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        private void relay(Socket client, Socket server) {
            try {
                byte[] first = client.getInputStream().readNBytes(8);
                packets.add(HexFormat.of().formatHex(first));
                server.getOutputStream().write(first);
                Thread.ofVirtual().start(() -> pump(server, client));
                pump(client, server);
            } catch (IOException e) {
                // a side closed
            }
        }

        private static void pump(Socket from, Socket to) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (IOException e) {
                // a side closed
            } finally {
                try {
                    to.shutdownOutput();
                } catch (IOException e) {
                    // already closed
                }
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }
}
