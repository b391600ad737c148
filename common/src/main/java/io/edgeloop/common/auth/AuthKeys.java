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
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * A named token-signing key pair as two PEM files in one directory: {@code <name>.key} (PKCS#8, mode 0600, read only
 * by whoever signs with it) and {@code <name>.pub} (X.509). The stack's own pair is named {@value #STACK} (it signs
 * people's and services' tokens); the deployment service's is {@value #DEVICE_ISSUER} (it signs device credentials
 * and download grants only). {@link #loadOrCreate(Path, String)} generates an RSA-2048 pair the first time.
 *
 * <p>Each pair has a key id ({@link #keyId()}: its name and a digest of its public key) that every token it signs
 * carries in its {@code kid} header, so that verifiers holding several keys ({@link Jwks}) know which key signed a
 * token, and which powers that key has.
 */
public final class AuthKeys {
    /** Name of the stack's own key pair (people, automation and services). */
    public static final String STACK = "token-signing";
    /** Name of the pair that signs device credentials and download grants, and nothing else. */
    public static final String DEVICE_ISSUER = "device-issuer";
    /** File name of the stack's private key inside the key directory. */
    public static final String PRIVATE_FILE = STACK + ".key";
    /** File name of the stack's public key inside the key directory. */
    public static final String PUBLIC_FILE = STACK + ".pub";

    private final Path dir;
    private final String name;
    private final KeyPair pair;
    private final String keyId;

    private AuthKeys(Path dir, String name, KeyPair pair) {
        this.dir = dir;
        this.name = name;
        this.pair = pair;
        this.keyId = keyIdOf(name, pair.getPublic());
    }

    /** Reads the stack's pair ({@value #STACK}) in {@code dir}, or generates and writes one. */
    public static AuthKeys loadOrCreate(Path dir) {
        return loadOrCreate(dir, STACK);
    }

    /** Reads the pair {@code name} in {@code dir}, or generates and writes one when the directory holds none. */
    public static AuthKeys loadOrCreate(Path dir, String name) {
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("key names are [a-z][a-z0-9-]*: " + name);
        }
        try {
            Files.createDirectories(dir);
            Path priv = dir.resolve(name + ".key");
            Path pub = dir.resolve(name + ".pub");
            if (Files.exists(priv) && Files.exists(pub)) {
                return new AuthKeys(dir, name, new KeyPair(readPublic(pub), readPrivate(priv)));
            }
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            writeSecret(priv, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            Files.writeString(pub, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
            return new AuthKeys(dir, name, pair);
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

    /**
     * Reads only the private key of pair {@code name} from its PEM file (what the deployment service is given);
     * the key id is derived from the public key, which is recomputed from the private key's modulus and exponent.
     */
    public static AuthKeys loadPrivate(Path privateKeyFile, String name) {
        try {
            PrivateKey priv = readPrivate(privateKeyFile);
            if (!(priv instanceof RSAPrivateCrtKey crt)) {
                throw new IllegalArgumentException(privateKeyFile + " is not an RSA private key in PKCS#8 form");
            }
            PublicKey pub = KeyFactory.getInstance("RSA")
                    .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            return new AuthKeys(privateKeyFile.getParent(), name, new KeyPair(pub, priv));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the private key " + privateKeyFile, e);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the private key " + privateKeyFile + ": " + e.getMessage(), e);
        }
    }

    /** The pair's name ({@value #STACK}, {@value #DEVICE_ISSUER}, ...). */
    public String name() {
        return name;
    }

    /**
     * The key id tokens signed by this pair carry: {@code <name>-<first 12 characters of the base64url SHA-256 of
     * the public key>}, stable for the pair and different for a new one.
     */
    public String keyId() {
        return keyId;
    }

    private static String keyIdOf(String name, PublicKey publicKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded());
            return name + "-"
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(digest)
                            .substring(0, 12);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Path of the public key file. */
    public Path publicKeyFile() {
        return dir.resolve(name + ".pub");
    }

    /** Path of the private key file. */
    public Path privateKeyFile() {
        return dir.resolve(name + ".key");
    }

    public PrivateKey privateKey() {
        return pair.getPrivate();
    }

    public PublicKey publicKey() {
        return pair.getPublic();
    }

    /** A minter that signs with this pair. */
    public TokenMinter minter() {
        return new TokenMinter(pair.getPrivate(), keyId());
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
