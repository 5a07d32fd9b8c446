package io.pgagroal.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pgagroal.security.MasterKey;
import io.pgagroal.security.Users;
import io.pgagroal.security.UsersFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AdminTest {

    @TempDir
    Path home;

    @TempDir
    Path etc;

    private final Map<String, String> environment = new HashMap<>();
    private Prompt prompt;
    private Path users;

    private record Run(int status, String out, String err) {

        /** The text document with the timestamp and the time it took masked. */
        String masked() {
            return out.replaceAll("Timestamp: \\d{14}", "Timestamp: T").replaceAll("Time: \\d\\d:\\d\\d:\\d\\d\\.\\d{4}", "Time: t");
        }
    }

    /** A terminal that gives these answers in turn and records the questions. */
    private static final class ScriptedPrompt implements Prompt {

        final Queue<String> answers;
        final List<String> questions = new ArrayList<>();

        ScriptedPrompt(String... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public String line(String question) {
            questions.add(question);
            return answers.poll();
        }

        @Override
        public String secret(String question) {
            return line(question);
        }
    }

    @BeforeEach
    void setUp() {
        users = etc.resolve("pgagroal_users.conf");
    }

    private Run admin(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine commandLine = new CommandLine(new Admin(home, environment::get, prompt));
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int status = commandLine.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private Run user(String... args) {
        List<String> all = new ArrayList<>(List.of("-f", users.toString()));
        all.addAll(List.of(args));
        return admin(all.toArray(String[]::new));
    }

    private Users decrypted() throws Exception {
        return UsersFile.read(users, MasterKey.of("mymasterkey1"));
    }

    private void masterKey() {
        assertThat(admin("-P", "mymasterkey1", "master-key").status()).isZero();
    }

    @Test
    void masterKeyFromTheCommandLine() throws Exception {
        Run run = admin("-P", "mymasterkey1", "master-key");
        assertThat(run.status()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(Files.readString(MasterKey.file(home))).isEqualTo("bXltYXN0ZXJrZXkx");
        assertThat(run.masked()).isEqualTo("""
                Header:
                  ClientVersion: 2.0.0
                  Command: 19
                  Output: 0
                  Timestamp: T
                Outcome:
                  Status: true
                  Time: t
                """);
    }

    @Test
    void masterKeyIsReplacedOnlyWithForce() throws Exception {
        masterKey();
        Run refused = admin("-P", "anotherkey2", "master-key");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).startsWith("pgagroal-admin: " + MasterKey.file(home) + ": already exists");
        assertThat(refused.out()).contains("Status: false").contains("Error: 1");
        assertThat(Files.readString(MasterKey.file(home))).isEqualTo("bXltYXN0ZXJrZXkx");

        assertThat(admin("master-key", "--force", "-P", "anotherkey2").status()).isZero();
        assertThat(Files.readString(MasterKey.file(home))).isEqualTo(base64("anotherkey2"));
    }

    @Test
    void masterKeyTypedTwiceAndChecked() throws Exception {
        ScriptedPrompt terminal = new ScriptedPrompt("short", "longenough1", "different", "longenough1", "longenough1");
        prompt = terminal;
        Run run = admin("master-key");
        assertThat(run.status()).isZero();
        assertThat(terminal.questions).containsExactly("Master key: ", "Master key: ", "Verify master key: ",
                "Master key: ", "Verify master key: ");
        assertThat(run.err()).contains("a master key has 8 to 256 characters, not 5").contains("differ");
        assertThat(Files.readString(MasterKey.file(home))).isEqualTo(base64("longenough1"));
    }

    @Test
    void masterKeyFromTheEnvironmentOrGenerated() throws Exception {
        environment.put("PGAGROAL_PASSWORD", "fromenvironment");
        assertThat(admin("master-key").status()).isZero();
        assertThat(Files.readString(MasterKey.file(home))).isEqualTo(base64("fromenvironment"));

        Run generated = admin("-g", "-l", "100", "--force", "master-key");
        assertThat(generated.status()).isZero();
        assertThat(generated.out()).doesNotContain("Password");
        assertThat(Base64.getDecoder().decode(Files.readString(MasterKey.file(home)))).hasSize(100);
    }

    @Test
    void masterKeyRules() {
        Run tooShort = admin("-P", "seven77", "master-key");
        assertThat(tooShort.status()).isEqualTo(1);
        assertThat(tooShort.err()).isEqualTo("pgagroal-admin: a master key has 8 to 256 characters, not 7\n");

        Run noSource = admin("master-key");
        assertThat(noSource.status()).isEqualTo(1);
        assertThat(noSource.err()).contains("no master key: use -P, -g or PGAGROAL_PASSWORD");
        assertThat(MasterKey.file(home)).doesNotExist();
    }

    @Test
    void userAddWithPassword() throws Exception {
        masterKey();
        Run run = user("-U", "alice", "-P", "secretpw", "user", "add");
        assertThat(run.status()).isZero();
        assertThat(Files.readString(users)).isEqualTo("alice:pYxp0piHGEp+c884e2h75Q==\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users))).isEqualTo("rw-------");
        assertThat(run.masked()).isEqualTo("""
                Header:
                  ClientVersion: 2.0.0
                  Command: 20
                  Output: 0
                  Timestamp: T
                Outcome:
                  Status: true
                  Time: t
                Response:
                  Users:
                    - alice
                """);
    }

    @Test
    void userAddGenerated() throws Exception {
        masterKey();
        Run run = user("user", "add", "-U", "alice", "-g", "-l", "20");
        assertThat(run.status()).isZero();
        String password = run.out().lines().findFirst().orElseThrow();
        assertThat(password).startsWith("Password : ").hasSize("Password : ".length() + 20);
        assertThat(decrypted().password("alice")).contains(password.substring("Password : ".length()));

        Run json = user("user", "add", "-U", "bob", "-g", "-F", "json");
        JsonNode document = new ObjectMapper().readTree(json.out());
        String generated = document.at("/Response/Password").asText();
        assertThat(generated).hasSize(64);
        assertThat(decrypted().password("bob")).contains(generated);
    }

    @Test
    void passwordSources() throws Exception {
        masterKey();
        environment.put("PGAGROAL_PASSWORD", "fromenvironment");
        prompt = new ScriptedPrompt();
        assertThat(user("-U", "alice", "user", "add").status()).isZero();
        assertThat(user("-U", "bob", "-P", "given", "-g", "user", "add").status()).isZero();
        Run generated = user("-U", "carol", "-g", "user", "add");
        assertThat(((ScriptedPrompt) prompt).questions).isEmpty();

        Users added = decrypted();
        assertThat(added.password("alice")).contains("fromenvironment");
        assertThat(added.password("bob")).contains("given");
        assertThat(generated.out()).startsWith("Password : " + added.password("carol").orElseThrow() + "\n");
    }

    @Test
    void userAddAsksForNameAndPassword() throws Exception {
        masterKey();
        ScriptedPrompt terminal = new ScriptedPrompt("", "alice", "one", "two", "secretpw", "secretpw");
        prompt = terminal;
        assertThat(user("user", "add").status()).isZero();
        assertThat(terminal.questions).containsExactly("User name: ", "User name: ", "Password: ", "Verify password: ",
                "Password: ", "Verify password: ");
        assertThat(decrypted().password("alice")).contains("secretpw");
    }

    @Test
    void withoutTerminalTheUserAndPasswordMustBeGiven() {
        masterKey();
        assertThat(user("user", "add", "-P", "pw").err()).isEqualTo("pgagroal-admin: no user name: use -U USER\n");
        Run noPassword = user("user", "add", "-U", "alice");
        assertThat(noPassword.status()).isEqualTo(1);
        assertThat(noPassword.err()).contains("no password: use -P, -g or PGAGROAL_PASSWORD");
        assertThat(users).doesNotExist();
    }

    @Test
    void duplicateUserIsRefused() throws Exception {
        masterKey();
        user("-U", "alice", "-P", "secretpw", "user", "add");
        Run again = user("-U", "alice", "-P", "other", "user", "add");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("pgagroal-admin: " + users + ":1: alice: the user already exists\n");
        assertThat(decrypted().password("alice")).contains("secretpw");
    }

    @Test
    void editDeleteAndList() throws Exception {
        masterKey();
        user("-U", "alice", "-P", "secretpw", "user", "add");
        user("-U", "bob", "-P", "bobpw", "user", "add");

        assertThat(user("-U", "alice", "-P", "changed", "user", "edit").status()).isZero();
        assertThat(decrypted().password("alice")).contains("changed");

        Run list = user("user", "ls");
        assertThat(list.status()).isZero();
        assertThat(list.masked()).endsWith("""
                Response:
                  Users:
                    - alice
                    - bob
                """).contains("Command: 23");

        Run removed = user("-U", "alice", "user", "del");
        assertThat(removed.status()).isZero();
        assertThat(removed.out()).contains("Command: 22").endsWith("Users:\n    - bob\n");
        assertThat(decrypted().names()).containsExactly("bob");

        user("-U", "bob", "user", "del");
        assertThat(user("user", "ls").out()).endsWith("Response:\n  Users: []\n");
    }

    @Test
    void listAsJson() throws Exception {
        masterKey();
        user("-U", "alice", "-P", "secretpw", "user", "add");
        user("-U", "bob", "-P", "bobpw", "user", "add");
        Run run = user("-F", "json", "user", "ls");
        assertThat(run.status()).isZero();
        assertThat(run.out()).startsWith("{\n  \"Header\": {\n    \"ClientVersion\": \"2.0.0\",\n    \"Command\": 23,\n");
        assertThat(run.out()).contains("\"Users\": [\n      \"alice\",\n      \"bob\"\n    ]");
        JsonNode document = new ObjectMapper().readTree(run.out());
        assertThat(document.at("/Header/Output").asInt()).isEqualTo(1);
        assertThat(document.at("/Header/Timestamp").asText()).matches("\\d{14}");
        assertThat(document.at("/Outcome/Status").asBoolean()).isTrue();
        assertThat(document.at("/Response/Users").toString()).isEqualTo("[\"alice\",\"bob\"]");
    }

    @Test
    void unknownUser() {
        masterKey();
        user("-U", "alice", "-P", "secretpw", "user", "add");
        for (String command : List.of("edit", "del")) {
            Run run = user("-U", "bob", "-P", "pw", "user", command);
            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("pgagroal-admin: " + users + ": bob: no such user\n");
        }
    }

    @Test
    void missingUsersFile() {
        masterKey();
        for (String command : List.of("edit", "del", "ls")) {
            Run run = user("-U", "alice", "-P", "pw", "user", command);
            assertThat(run.status()).isEqualTo(1);
            assertThat(run.err()).isEqualTo("pgagroal-admin: " + users + ": file not found\n");
        }
    }

    @Test
    void missingOrOpenMasterKey() throws Exception {
        Run missing = user("-U", "alice", "-P", "pw", "user", "add");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err()).isEqualTo("pgagroal-admin: " + home.resolve(".pgagroal")
                + ": not found; create the master key with pgagroal-admin master-key\n");
        assertThat(missing.out()).contains("Status: false");

        masterKey();
        Files.setPosixFilePermissions(MasterKey.file(home), PosixFilePermissions.fromString("rw-r-----"));
        Run open = user("-U", "alice", "-P", "pw", "user", "add");
        assertThat(open.status()).isEqualTo(1);
        assertThat(open.err()).contains(MasterKey.file(home) + ": mode 0640");
        assertThat(users).doesNotExist();
    }

    @Test
    void wrongMasterKeyForTheFile() throws Exception {
        masterKey();
        user("-U", "alice", "-P", "secretpw", "user", "add");
        admin("--force", "-P", "anotherkey2", "master-key");
        Run run = user("-U", "bob", "-P", "pw", "user", "add");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).isEqualTo("pgagroal-admin: " + users + ":1: alice: cannot decrypt: wrong master key?\n");
    }

    @Test
    void invalidOptionsAndCommands() {
        for (String[] args : List.of(new String[] {"-l", "0", "user", "ls"}, new String[] {"-l", "many", "user", "ls"},
                new String[] {"-F", "yaml", "user", "ls"}, new String[] {"user", "rename"}, new String[] {"add-user"},
                new String[] {})) {
            Run run = admin(args);
            assertThat(run.status()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(run.err()).as(String.join(" ", args)).isNotEmpty();
        }
        assertThat(admin("-l", "0", "user", "ls").err()).startsWith("Invalid password length 0");
        assertThat(admin("user", "rename").err()).startsWith("Unknown command 'user rename'");
    }

    @Test
    void version() {
        Run run = admin("-V");
        assertThat(run.status()).isZero();
        assertThat(run.out()).isEqualTo("pgagroal-admin 2.0.0\n");
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }
}
