package io.switchboard.tools.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;

/**
 * Work done once before the timed runs so that they do not include the JVM's loading and compiling
 * of the code they use: a probe of a server inside this process on the loopback interface, a TLS
 * client hello that is built but never sent, and the cryptography a handshake goes on to use.
 * Nothing goes to the probed server. The first TLS handshake still costs more than later ones, as
 * the JDK's handshake code past the client hello only warms up in a real handshake.
 */
final class Warmup {
    private static final int TIMEOUT_MILLIS = 5_000;
    private static final byte[] RESPONSE = ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "2\r\nok\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    private Warmup() {
    }

    static void run(ProbeTarget target, TrustManager[] trust)
            throws IOException, GeneralSecurityException, InterruptedException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(TIMEOUT_MILLIS);
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> answerOnce(server));
            ProbeTarget local = ProbeTarget.parse("http://127.0.0.1:" + server.getLocalPort() + "/");
            new Probe(local, TIMEOUT_MILLIS, null, true).run();
            served.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ProbeFailure | ExecutionException | TimeoutException e) {
            throw new IOException("the loopback probe failed: " + ProbeFailure.describe(e), e);
        }
        if (target.tls()) {
            clientHello(target, trust);
            handshakeCryptography();
        }
    }

    private static void answerOnce(ServerSocket server) {
        try (Socket socket = server.accept()) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            InputStream in = socket.getInputStream();
            // The request ends with an empty line: CR LF CR LF.
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("the loopback request ended early");
                }
                matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : b == '\r' ? 1 : 0;
            }
            OutputStream out = socket.getOutputStream();
            out.write(RESPONSE);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void clientHello(ProbeTarget target, TrustManager[] trust) throws GeneralSecurityException,
            IOException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust, null);
        SSLEngine engine = context.createSSLEngine(target.host(), target.port());
        engine.setUseClientMode(true);
        engine.beginHandshake();
        engine.wrap(ByteBuffer.allocate(0), ByteBuffer.allocate(engine.getSession().getPacketBufferSize()));
        engine.closeOutbound();
    }

    /** Key agreement, key derivation, record encryption and signatures, as handshakes commonly use them. */
    private static void handshakeCryptography() throws GeneralSecurityException {
        agree("X25519", "X25519");
        agree("EC", "ECDH");
        for (String algorithm : new String[] {"HmacSHA256", "HmacSHA384"}) {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(new byte[48], algorithm));
            mac.doFinal(new byte[32]);
        }
        Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "AES"), new GCMParameterSpec(128, new byte[12]));
        aes.doFinal(new byte[64]);
        Cipher chacha = Cipher.getInstance("ChaCha20-Poly1305");
        chacha.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(new byte[32], "ChaCha20"), new IvParameterSpec(new byte[12]));
        chacha.doFinal(new byte[64]);
        KeyPair pair = KeyPairGenerator.getInstance("EC").generateKeyPair();
        Signature signature = Signature.getInstance("SHA256withECDSA");
        signature.initSign(pair.getPrivate());
        signature.update(new byte[32]);
        byte[] signed = signature.sign();
        signature.initVerify(pair.getPublic());
        signature.update(new byte[32]);
        signature.verify(signed);
    }

    private static void agree(String keyAlgorithm, String agreementAlgorithm) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(keyAlgorithm);
        KeyAgreement agreement = KeyAgreement.getInstance(agreementAlgorithm);
        agreement.init(generator.generateKeyPair().getPrivate());
        agreement.doPhase(generator.generateKeyPair().getPublic(), true);
        agreement.generateSecret();
    }
}
