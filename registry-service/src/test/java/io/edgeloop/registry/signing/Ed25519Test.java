package io.edgeloop.registry.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.Test;

class Ed25519Test {
    @Test
    void derivesTheSamePublicKeyAsTheJdkGenerated() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        for (int i = 0; i < 5; i++) {
            KeyPair jdk = generator.generateKeyPair();
            KeyPair derived =
                    Ed25519.keyPair(Ed25519.privateKey(jdk.getPrivate().getEncoded()));
            assertArrayEquals(jdk.getPublic().getEncoded(), derived.getPublic().getEncoded());
        }
    }

    @Test
    void signaturesVerifyOnlyForTheSignedDigest() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] digest = new byte[32];
        digest[0] = 1;
        byte[] signature = Ed25519.sign(pair.getPrivate(), digest);
        assertTrue(Ed25519.verify(pair.getPublic(), digest, signature));
        digest[31] = 1;
        assertFalse(Ed25519.verify(pair.getPublic(), digest, signature));
    }
}
