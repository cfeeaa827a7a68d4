package dev.gatekeeper.bench.throughput;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection to 127.0.0.1, as small as a load driver's client can be: the request is written
 * in one go, the response read by its {@code Content-Length} (or chunks), nothing pooled, nothing asynchronous. The
 * driver shares the machine's cores with the runner it measures, so every microsecond it spends is one the runner
 * does not get; a JDK {@code HttpClient} would spend several times more per request.
 *
 * <p>Not thread-safe: one per worker.
 */
final class HttpConnection implements AutoCloseable {
    private static final int READ_TIMEOUT_MILLIS = 30_000;

    private final int port;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    HttpConnection(int port) {
        this.port = port;
    }

    /** A response: its status and body (the body only if asked for). */
    record Response(int status, byte[] body) {
        String text() {
            return body == null ? "" : new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Sends a request (complete, headers and body, as bytes) and reads its response. If the server had closed the
     * connection, the failure is thrown: the driver counts it as an error and the next call reconnects.
     *
     * @param keepBody       whether to return the body (it is always read)
     * @param expectedStatus a response with another status has its body returned whatever {@code keepBody} says
     */
    Response exchange(byte[] request, boolean keepBody, int expectedStatus) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(request);
            out.flush();
            return readResponse(keepBody, expectedStatus);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        Socket fresh = new Socket();
        fresh.setTcpNoDelay(true);
        fresh.setSoTimeout(READ_TIMEOUT_MILLIS);
        fresh.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MILLIS);
        socket = fresh;
        in = new BufferedInputStream(fresh.getInputStream(), 16 * 1024);
        out = fresh.getOutputStream();
    }

    private Response readResponse(boolean keepBody, int expectedStatus) throws IOException {
        String statusLine = readLine();
        // "HTTP/1.1 201 Created"
        if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean closeAfter = statusLine.startsWith("HTTP/1.0");
        String line;
        while (!(line = readLine()).isEmpty()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> closeAfter = value.equalsIgnoreCase("close");
                default -> { }
            }
        }
        ByteArrayOutputStream body = keepBody || status != expectedStatus ? new ByteArrayOutputStream() : null;
        if (chunked) {
            long size;
            while ((size = Long.parseLong(readLine().split(";", 2)[0].trim(), 16)) > 0) {
                copy(size, body);
                readLine();
            }
            while (!readLine().isEmpty()) {
                // trailers
            }
        } else if (contentLength > 0) {
            copy(contentLength, body);
        } else if (contentLength < 0 && status >= 200 && status != 204 && status != 304) {
            // No length: the body runs to the end of the connection.
            copy(Long.MAX_VALUE, body);
            closeAfter = true;
        }
        if (closeAfter) {
            close();
        }
        return new Response(status, body == null ? null : body.toByteArray());
    }

    private void copy(long length, ByteArrayOutputStream body) throws IOException {
        byte[] buffer = new byte[8192];
        long left = length;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                if (length == Long.MAX_VALUE) {
                    return;
                }
                throw new EOFException("connection closed in a response body");
            }
            if (body != null) {
                body.write(buffer, 0, read);
            }
            left -= read;
        }
    }

    /** A header line without its CRLF (ISO-8859-1, as HTTP headers are). */
    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException("connection closed by the server");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
            in = null;
            out = null;
        }
    }

    /** A request as the bytes to send: request line, Host, the given headers, Content-Length and the body. */
    static byte[] request(String method, String path, int port, String[] headers, byte[] body) {
        StringBuilder head = new StringBuilder(256);
        head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1:").append(port).append("\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        int length = body == null ? 0 : body.length;
        if (length > 0 || method.equals("POST") || method.equals("PUT")) {
            head.append("Content-Length: ").append(length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
        if (length == 0) {
            return headBytes;
        }
        byte[] all = new byte[headBytes.length + length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, length);
        return all;
    }
}
