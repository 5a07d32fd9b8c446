package io.pgagroal.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DerivedKeysTest {

    private static final byte[] SALT = "a salt of a role".getBytes(StandardCharsets.US_ASCII);

    @Test
    void derivesTheKeysOfThePasswordOnceForASaltAndCount() {
        DerivedKeys first = DerivedKeys.of("pencil-derived", SALT, 4096);
        DerivedKeys again = DerivedKeys.of("pencil-derived", SALT.clone(), 4096);

        byte[] salted = Scram.saltedPassword("pencil-derived", SALT, 4096);
        assertThat(first.clientKey()).isEqualTo(Scram.clientKey(salted));
        assertThat(first.serverKey()).isEqualTo(Scram.serverKey(salted));
        assertThat(again).isSameAs(first);
    }

    @Test
    void anotherPasswordSaltOrCountIsDerivedAfresh() {
        DerivedKeys keys = DerivedKeys.of("eraser", SALT, 4096);
        byte[] otherSalt = SALT.clone();
        otherSalt[0] ^= 1;

        assertThat(DerivedKeys.of("eraser2", SALT, 4096).clientKey()).isNotEqualTo(keys.clientKey());
        assertThat(DerivedKeys.of("eraser", otherSalt, 4096).clientKey()).isNotEqualTo(keys.clientKey());
        assertThat(DerivedKeys.of("eraser", SALT, 4097).clientKey()).isNotEqualTo(keys.clientKey());
        assertThat(DerivedKeys.of("eraser", otherSalt, 4096).serverKey())
                .isEqualTo(Scram.serverKey(Scram.saltedPassword("eraser", otherSalt, 4096)));
    }

    @Test
    void staysBoundedWhateverTheServersSend() {
        for (int i = 0; i < DerivedKeys.LIMIT + 10; i++) {
            DerivedKeys.of("password " + i, SALT, 1);
            assertThat(DerivedKeys.size()).isLessThanOrEqualTo(DerivedKeys.LIMIT);
        }
    }

    @Test
    void handsOutCopiesOfItsKeys() {
        DerivedKeys keys = DerivedKeys.of("sharpener", SALT, 16);
        keys.clientKey()[0] ^= 1;
        keys.serverKey()[0] ^= 1;

        byte[] salted = Scram.saltedPassword("sharpener", SALT, 16);
        assertThat(DerivedKeys.of("sharpener", SALT, 16).clientKey()).isEqualTo(Scram.clientKey(salted));
        assertThat(DerivedKeys.of("sharpener", SALT, 16).serverKey()).isEqualTo(Scram.serverKey(salted));
    }
}
