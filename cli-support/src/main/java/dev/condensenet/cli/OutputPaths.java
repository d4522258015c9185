package dev.condensenet.cli;

import dev.condensenet.model.error.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of output paths before any work starts: a command must not train for an hour and then find
 * that its {@code --out} is a file or cannot be written. Nothing is created; writability is probed
 * with a temporary file that is removed at once (permission bits say nothing for root or on a
 * read-only file system).
 */
public final class OutputPaths {

    private OutputPaths() {
    }

    /**
     * {@code dir} exists as a writable directory, or can be created.
     *
     * @param flag the flag that named it, for the message (e.g. {@code --out})
     * @throws UserError naming the flag, the path and the problem
     */
    public static void requireWritableDirectory(Path dir, String flag) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) {
                throw new UserError(flag + " " + dir + " is a file, not a directory: choose a directory");
            }
            if (!canCreateIn(abs)) {
                throw new UserError(flag + " " + dir + " is not writable: choose a directory you can write to");
            }
            return;
        }
        requireCreatable(abs, dir, flag);
    }

    /**
     * {@code file} can be written: it is a writable regular file, or does not exist and can be created
     * (missing parent directories included). A device, pipe or socket is refused: the commands replace
     * their output file whole, which would replace such a node with a plain file.
     *
     * @throws UserError naming the flag, the path and the problem
     */
    public static void requireWritableFile(Path file, String flag) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new UserError(flag + " " + file + " is a directory: give a file name");
        }
        if (Files.exists(abs) && !Files.isRegularFile(abs)) {
            throw new UserError(flag + " " + file + " is not a regular file (a device, pipe or socket): give a "
                    + "file name");
        }
        if (Files.exists(abs)) {
            if (!Files.isWritable(abs) || !canCreateIn(abs.getParent())) {
                throw new UserError(flag + " " + file + " is not writable");
            }
            return;
        }
        requireCreatable(abs, file, flag);
    }

    private static void requireCreatable(Path abs, Path given, String flag) {
        Path p = abs.getParent();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null) {
            throw new UserError(flag + " " + given + " cannot be created: no part of it exists");
        }
        if (!Files.isDirectory(p)) {
            throw new UserError(flag + " " + given + " cannot be created: " + p + " is a file");
        }
        if (!canCreateIn(p)) {
            throw new UserError(flag + " " + given + " cannot be created: " + p + " is not writable");
        }
    }

    private static boolean canCreateIn(Path dir) {
        try {
            Files.delete(Files.createTempFile(dir, ".condensenet-write-check", ".tmp"));
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
