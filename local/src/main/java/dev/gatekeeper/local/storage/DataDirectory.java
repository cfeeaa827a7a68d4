package dev.gatekeeper.local.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The directory holding the runner's state (the DynamoDB Local database, the signing keys, the demo credentials),
 * held by one runner at a time: two DynamoDB Local instances writing one database file would corrupt it.
 */
public final class DataDirectory implements AutoCloseable {
    private static final String LOCK_FILE = ".lock";

    private final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DataDirectory(Path path, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /** Creates the directory if needed (owner-only) and takes its lock; fails if another runner holds it. */
    public static DataDirectory open(Path path) {
        PrivateFiles.createDirectories(path);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw inUse(path, null);
            }
            return new DataDirectory(path, channel, lock);
        } catch (OverlappingFileLockException e) {
            closeQuietly(channel);
            throw inUse(path, e);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("Cannot lock the data directory " + path, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    public Path resolve(String file) {
        return path.resolve(file);
    }

    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // Closing the channel below releases it anyway.
        }
        closeQuietly(lockChannel);
    }

    private static IllegalStateException inUse(Path path, Exception cause) {
        return new IllegalStateException("The data directory " + path + " is in use by another runner; stop it, or "
                + "pass another --data-dir or --in-memory", cause);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing was locked through it.
            }
        }
    }
}
