package io.edgeloop.common.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The stack's token-signing key pair as two PEM files in one directory: {@code token-signing.key} (PKCS#8, mode
 * 0600, read only by whoever mints tokens) and {@code token-signing.pub} (X.509, read by every service to verify
 * them). {@link #loadOrCreate(Path)} generates an RSA-2048 pair the first time.
 */
public final class AuthKeys {
    /** File name of the private key inside the key directory. */
    public static final String PRIVATE_FILE = "token-signing.key";
    /** File name of the public key inside the key directory. */
    public static final String PUBLIC_FILE = "token-signing.pub";

    private final Path dir;
    private final KeyPair pair;

    private AuthKeys(Path dir, KeyPair pair) {
        this.dir = dir;
        this.pair = pair;
    }

    /** Reads the pair in {@code dir}, or generates and writes one when the directory holds none. */
    public static AuthKeys loadOrCreate(Path dir) {
        try {
            Files.createDirectories(dir);
            Path priv = dir.resolve(PRIVATE_FILE);
            Path pub = dir.resolve(PUBLIC_FILE);
            if (Files.exists(priv) && Files.exists(pub)) {
                return new AuthKeys(dir, new KeyPair(readPublic(pub), readPrivate(priv)));
            }
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            writeSecret(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
            return new AuthKeys(dir, pair);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write the token keys in " + dir, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create or read the token keys in " + dir, e);
        }
    }

    /** Directory holding both files. */
    public Path dir() {
        return dir;
    }

    /** Path of the public key file, the value of {@code mp.jwt.verify.publickey.location} for every service. */
    public Path publicKeyFile() {
        return dir.resolve(PUBLIC_FILE);
    }

    public PrivateKey privateKey() {
        return pair.getPrivate();
    }

    public PublicKey publicKey() {
        return pair.getPublic();
    }

    /** A minter that signs with this pair. */
    public TokenMinter minter() {
        return new TokenMinter(pair.getPrivate());
    }

    /**
     * Writes {@code content} to {@code file} readable by its owner only (0600 where the file system supports POSIX
     * permissions), creating or replacing it.
     */
    public static void writeSecret(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, content, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static String pem(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String body = text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    private static PrivateKey readPrivate(Path file) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(file)));
    }

    private static PublicKey readPublic(Path file) throws IOException, GeneralSecurityException {
        return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(file)));
    }
}
