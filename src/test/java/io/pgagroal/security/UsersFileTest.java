package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pgagroal.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileTest {

    private static final MasterKey KEY = MasterKey.of("mymasterkey1");

    @TempDir
    Path directory;

    private Path path() {
        return directory.resolve("pgagroal_users.conf");
    }

    private static String encrypted(byte[] plaintext) {
        return Base64.getEncoder().encodeToString(new PasswordCipher(KEY).encrypt(plaintext));
    }

    private void write(String... lines) throws Exception {
        Files.writeString(path(), String.join("\n", lines) + "\n");
    }

    @Test
    void writtenFilesReadBack() throws Exception {
        UsersFile file = UsersFile.openOrNew(path());
        file.add("alice", "secretpw", KEY);
        file.add("bob", "another password", KEY);
        file.write();

        assertThat(Files.readAllLines(path())).first().isEqualTo("alice:pYxp0piHGEp+c884e2h75Q==");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path()))).isEqualTo("rw-------");
        Users users = UsersFile.read(path(), KEY);
        assertThat(users.names()).containsExactly("alice", "bob");
        assertThat(users.size()).isEqualTo(2);
        assertThat(users.password("alice")).contains("secretpw");
        assertThat(users.password("bob")).contains("another password");
        assertThat(users.password("carol")).isEmpty();
        assertThat(users.toString()).isEqualTo("Users[alice, bob]");
    }

    @Test
    void commentsBlankLinesAndWhitespaceAreSkippedAndKept() throws Exception {
        write("# users of the pool", "", "; another comment", "  alice:pYxp0piHGEp+c884e2h75Q==  ", "\t",
                "bob:" + encrypted("pw:with:colons".getBytes(StandardCharsets.UTF_8)));
        assertThat(UsersFile.read(path(), KEY).password("bob")).contains("pw:with:colons");
        assertThat(UsersFile.read(path(), KEY).password("alice")).contains("secretpw");

        UsersFile file = UsersFile.open(path());
        file.update("alice", "changed", KEY);
        file.remove("bob");
        file.add("carol", "new", KEY);
        file.write();
        List<String> lines = Files.readAllLines(path());
        assertThat(lines.subList(0, 3)).containsExactly("# users of the pool", "", "; another comment");
        assertThat(lines.get(3)).startsWith("alice:");
        assertThat(lines.get(5)).startsWith("carol:");
        assertThat(lines).hasSize(6);
        Users users = UsersFile.read(path(), KEY);
        assertThat(users.names()).containsExactly("alice", "carol");
        assertThat(users.password("alice")).contains("changed");
    }

    @Test
    void anotherMasterKeyIsReportedWithFileAndLine() throws Exception {
        write("# comment", "alice:pYxp0piHGEp+c884e2h75Q==");
        assertThatThrownBy(() -> UsersFile.read(path(), MasterKey.of("another-master-key")))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.file()).isEqualTo(path().toString());
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.key()).isEqualTo("alice");
                })
                .hasMessage(path() + ":2: alice: cannot decrypt: wrong master key?");
    }

    @Test
    void addingWithAnotherMasterKeyIsRefused() throws Exception {
        write("alice:pYxp0piHGEp+c884e2h75Q==");
        UsersFile file = UsersFile.open(path());
        assertThatThrownBy(() -> file.add("bob", "pw", MasterKey.of("another-master-key")))
                .hasMessageContaining("wrong master key?");
    }

    @Test
    void badLinesAreReportedWithFileAndLine() throws Exception {
        write("alice:pYxp0piHGEp+c884e2h75Q==", "bob:not base64!");
        assertThatThrownBy(() -> UsersFile.read(path(), KEY)).hasMessage(path() + ":2: bob: cannot decrypt: not base64");
        write("alice");
        assertThatThrownBy(() -> UsersFile.open(path())).hasMessage(path() + ":1: expected user:encrypted-password");
        write("", ":pYxp0piHGEp+c884e2h75Q==");
        assertThatThrownBy(() -> UsersFile.open(path())).hasMessage(path() + ":2: empty user name");
        write("alice:" + encrypted(new byte[] {(byte) 0xc3, (byte) 0x28}));
        assertThatThrownBy(() -> UsersFile.read(path(), KEY))
                .hasMessage(path() + ":1: alice: the decrypted password is not UTF-8 text: wrong master key?");
    }

    @Test
    void duplicateUserIsReported() throws Exception {
        write("alice:pYxp0piHGEp+c884e2h75Q==", "bob:pYxp0piHGEp+c884e2h75Q==", "alice:pYxp0piHGEp+c884e2h75Q==");
        assertThatThrownBy(() -> UsersFile.open(path()))
                .hasMessage(path() + ":3: alice: duplicate user (first on line 1)");
    }

    @Test
    void editsCheckThatTheUserIsThereOrNot() throws Exception {
        write("alice:pYxp0piHGEp+c884e2h75Q==");
        UsersFile file = UsersFile.open(path());
        assertThatThrownBy(() -> file.add("alice", "pw", KEY)).hasMessage(path() + ":1: alice: the user already exists");
        assertThatThrownBy(() -> file.update("bob", "pw", KEY)).hasMessage(path() + ": bob: no such user");
        assertThatThrownBy(() -> file.remove("bob")).hasMessage(path() + ": bob: no such user");
    }

    @Test
    void userNamesThatCannotBeReadBackAreRefused() throws Exception {
        UsersFile file = UsersFile.openOrNew(path());
        for (String name : List.of("", "a:b", "#alice", ";alice", " alice", "alice ", "a\nb")) {
            assertThatThrownBy(() -> file.add(name, "pw", KEY)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> file.add("alice", "", KEY)).isInstanceOf(IllegalArgumentException.class);
        file.add("ünïcödé user", "pw", KEY);
        file.write();
        assertThat(UsersFile.read(path(), KEY).names()).containsExactly("ünïcödé user");
    }

    @Test
    void longPasswordsAndManyUsers() throws Exception {
        Map<String, String> expected = new LinkedHashMap<>();
        UsersFile file = UsersFile.openOrNew(path());
        for (int i = 0; i < 200; i++) {
            String password = PasswordGenerator.generate(i == 0 ? 1000 : 1 + i);
            expected.put("user" + i, password);
            file.add("user" + i, password, KEY);
        }
        file.write();
        assertThat(Files.readAllLines(path()).getFirst()).hasSizeGreaterThan(1300);
        Users users = UsersFile.read(path(), KEY);
        assertThat(users.size()).isEqualTo(200);
        expected.forEach((user, password) -> assertThat(users.password(user)).contains(password));
        assertThat(users.names()).containsExactlyElementsOf(expected.keySet());
    }

    @Test
    void rewritingMakesTheFilePrivate() throws Exception {
        write("alice:pYxp0piHGEp+c884e2h75Q==");
        Files.setPosixFilePermissions(path(), PosixFilePermissions.fromString("rw-r--r--"));
        UsersFile file = UsersFile.open(path());
        file.remove("alice");
        file.write();
        assertThat(Files.readString(path())).isEmpty();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path()))).isEqualTo("rw-------");
        try (var files = Files.list(directory)) {
            assertThat(files).containsExactly(path());
        }
    }

    @Test
    void missingFile() throws Exception {
        assertThatThrownBy(() -> UsersFile.open(path())).hasMessage(path() + ": file not found");
        assertThatThrownBy(() -> UsersFile.read(path(), KEY)).hasMessage(path() + ": file not found");
        assertThat(UsersFile.openOrNew(path()).names()).isEmpty();
    }
}
