package io.edgeloop.registry.signing;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Ed25519 helpers on top of the JDK provider: signing and verifying a digest, and deriving the public key of a
 * PKCS#8 private key (the JDK cannot, and a configured key comes without its public half). The derivation is the
 * RFC 8032 reference algorithm (section 5.1.5); it runs once at start-up, so constant time does not matter.
 */
public final class Ed25519 {
    /** JCA algorithm name. */
    public static final String ALGORITHM = "Ed25519";

    // X.509 SubjectPublicKeyInfo prefix of a 32-byte Ed25519 key (RFC 8410)
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    private static final BigInteger D = BigInteger.valueOf(-121665)
            .multiply(BigInteger.valueOf(121666).modInverse(P))
            .mod(P);
    private static final BigInteger SQRT_M1 =
            BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
    private static final BigInteger[] BASE = basePoint();

    private Ed25519() {}

    /** Signs {@code message} (here: a raw 32-byte SHA-256 digest). */
    public static byte[] sign(PrivateKey key, byte[] message) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initSign(key);
            s.update(message);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + ALGORITHM, e);
        }
    }

    /** Whether {@code signature} is a valid signature of {@code message} under {@code key}. */
    public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        try {
            Signature s = Signature.getInstance(ALGORITHM);
            s.initVerify(key);
            s.update(message);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Parses a PKCS#8 DER private key. */
    public static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    }

    /** Parses an X.509 DER public key. */
    public static PublicKey publicKey(byte[] x509) throws GeneralSecurityException {
        return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(x509));
    }

    /** The key pair of a private key, its public half derived from the private seed. */
    public static KeyPair keyPair(PrivateKey privateKey) throws GeneralSecurityException {
        if (!(privateKey instanceof EdECPrivateKey ed)) {
            throw new InvalidKeyException("not an Ed25519 private key: " + privateKey.getAlgorithm());
        }
        byte[] seed = ed.getBytes().orElseThrow(() -> new InvalidKeyException("private key has no seed bytes"));
        byte[] raw = derivePublic(seed);
        byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + raw.length);
        System.arraycopy(raw, 0, der, X509_PREFIX.length, raw.length);
        PublicKey publicKey = publicKey(der);
        // belt and braces: the pair must work together
        byte[] probe = "edgeloop key check".getBytes();
        if (!verify(publicKey, probe, sign(privateKey, probe))) {
            throw new InvalidKeyException("derived public key does not verify the private key's signature");
        }
        return new KeyPair(publicKey, privateKey);
    }

    /** RFC 8032 5.1.5: the 32-byte encoded public key of a 32-byte secret seed. */
    static byte[] derivePublic(byte[] seed) throws GeneralSecurityException {
        byte[] h = MessageDigest.getInstance("SHA-512").digest(seed);
        byte[] low = Arrays.copyOf(h, 32);
        low[0] &= (byte) 248;
        low[31] &= 127;
        low[31] |= 64;
        BigInteger a = littleEndian(low);
        BigInteger[] point = multiply(a, BASE);
        BigInteger zInv = point[2].modInverse(P);
        BigInteger x = point[0].multiply(zInv).mod(P);
        BigInteger y = point[1].multiply(zInv).mod(P);
        BigInteger encoded = y.or(x.testBit(0) ? BigInteger.ONE.shiftLeft(255) : BigInteger.ZERO);
        byte[] be = encoded.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < be.length; i++) {
            out[i] = be[be.length - 1 - i];
        }
        return out;
    }

    private static BigInteger littleEndian(byte[] bytes) {
        byte[] be = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            be[i] = bytes[bytes.length - 1 - i];
        }
        return new BigInteger(1, be);
    }

    /** Extended coordinates (X, Y, Z, T). */
    private static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
        BigInteger a = p[1].subtract(p[0]).multiply(q[1].subtract(q[0])).mod(P);
        BigInteger b = p[1].add(p[0]).multiply(q[1].add(q[0])).mod(P);
        BigInteger c = BigInteger.TWO.multiply(p[3]).multiply(q[3]).multiply(D).mod(P);
        BigInteger d = BigInteger.TWO.multiply(p[2]).multiply(q[2]).mod(P);
        BigInteger e = b.subtract(a);
        BigInteger f = d.subtract(c);
        BigInteger g = d.add(c);
        BigInteger hh = b.add(a);
        return new BigInteger[] {
            e.multiply(f).mod(P),
            g.multiply(hh).mod(P),
            f.multiply(g).mod(P),
            e.multiply(hh).mod(P)
        };
    }

    private static BigInteger[] multiply(BigInteger s, BigInteger[] point) {
        BigInteger[] q = {BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO};
        BigInteger[] p = point;
        while (s.signum() > 0) {
            if (s.testBit(0)) {
                q = add(q, p);
            }
            p = add(p, p);
            s = s.shiftRight(1);
        }
        return q;
    }

    private static BigInteger[] basePoint() {
        BigInteger y = BigInteger.valueOf(4)
                .multiply(BigInteger.valueOf(5).modInverse(P))
                .mod(P);
        BigInteger x2 = y.multiply(y)
                .subtract(BigInteger.ONE)
                .multiply(D.multiply(y).multiply(y).add(BigInteger.ONE).modInverse(P))
                .mod(P);
        BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
        if (!x.multiply(x).subtract(x2).mod(P).equals(BigInteger.ZERO)) {
            x = x.multiply(SQRT_M1).mod(P);
        }
        if (x.testBit(0)) { // the base point's x is even
            x = P.subtract(x);
        }
        return new BigInteger[] {x, y, BigInteger.ONE, x.multiply(y).mod(P)};
    }
}
