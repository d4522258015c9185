package dev.condensenet.model.store;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * A versioned model root, the TensorFlow Serving layout: numbered version directories {@code ROOT/1/},
 * {@code ROOT/2/}, … each a {@link ModelDirectory}. A version is complete by construction: writers build it
 * under a hidden temporary name ({@code .tmp-N-…}) and rename it to {@code N} in one atomic move
 * ({@link #publish}), so a reader never sees half a version under a number. Names that are not a positive
 * decimal number are not versions and are ignored (temporary directories, notes, {@code lost+found}).
 *
 * <p>Only the directory listing is read here; whether a version really loads is the reader's check
 * ({@link ModelDirectory#open}, then loading the parameters).
 */
public final class ModelRoot {
    private static final String TEMP_PREFIX = ".tmp-";

    private final Path root;

    private ModelRoot(Path root) {
        this.root = root;
    }

    /**
     * @throws ModelDirectoryException if {@code root} is not a directory
     */
    public static ModelRoot open(Path root) {
        if (!Files.isDirectory(root)) {
            throw new ModelDirectoryException("model root " + root + (Files.exists(root) ? " is a file"
                    : " does not exist") + ": pass --model-root with a directory of numbered versions (1/, 2/, ...) "
                    + "written by 'train --model-root' or 'condense --model-root'");
        }
        return new ModelRoot(root);
    }

    public Path path() {
        return root;
    }

    /** The directory of version {@code version} (it may not exist). */
    public Path versionDir(long version) {
        return root.resolve(Long.toString(version));
    }

    /**
     * The version numbers present now, ascending.
     *
     * @throws ModelDirectoryException if the root cannot be listed
     */
    public List<Long> versions() {
        List<Long> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
            for (Path p : entries) {
                long v = parseVersion(p.getFileName().toString());
                if (v > 0 && Files.isDirectory(p)) {
                    out.add(v);
                }
            }
        } catch (IOException e) {
            throw new ModelDirectoryException("cannot list model root " + root + ": " + e.getMessage(), e);
        }
        Collections.sort(out);
        return out;
    }

    /** The highest version present now, or empty. */
    public OptionalLong latest() {
        List<Long> vs = versions();
        return vs.isEmpty() ? OptionalLong.empty() : OptionalLong.of(vs.get(vs.size() - 1));
    }

    /**
     * A cheap fingerprint of a version directory's contents (names, sizes, modification times of its
     * files): a reader that refused a version tries it again only once this changes, e.g. after a slow
     * copy into a numbered directory finished. 0 if the directory is gone.
     */
    public long fingerprint(long version) {
        Path dir = versionDir(version);
        long h = 17;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.naturalOrder())::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                h = 31 * h + p.getFileName().hashCode();
                h = 31 * h + a.size();
                h = 31 * h + a.lastModifiedTime().toMillis();
            }
        } catch (IOException e) {
            return 0;
        }
        return h;
    }

    /** What a {@link #publish} call writes into the (empty, temporary) version directory. */
    @FunctionalInterface
    public interface VersionWriter {
        void write(Path dir) throws IOException;
    }

    /**
     * Writes the next version of the root at {@code root}: {@code writer} fills a hidden temporary directory
     * inside the root, which is then renamed to the next free number (highest present + 1) in one atomic
     * move. If another writer took that number first the next one is tried. On failure the temporary
     * directory is removed and no version appears.
     *
     * @param root created if missing
     * @return the version number written
     * @throws IOException if writing or renaming fails (or the file system cannot rename atomically)
     */
    public static long publish(Path root, VersionWriter writer) throws IOException {
        Files.createDirectories(root);
        ModelRoot r = new ModelRoot(root);
        Path tmp = Files.createTempDirectory(root, TEMP_PREFIX);
        try {
            writer.write(tmp);
            for (int attempt = 0; attempt < 100; attempt++) {
                long next = r.latest().orElse(0) + 1;
                try {
                    Files.move(tmp, r.versionDir(next), StandardCopyOption.ATOMIC_MOVE);
                    return next;
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("model root " + root + " cannot rename atomically (" + e.getMessage()
                            + "): use a local or POSIX shared file system", e);
                } catch (IOException e) {
                    if (!Files.exists(r.versionDir(next))) {
                        throw e;
                    }
                    // a concurrent writer took this number: take the next one
                }
            }
            throw new IOException("model root " + root + ": no free version number after 100 attempts");
        } catch (IOException | RuntimeException | Error e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /**
     * The file a version published by {@link #publishOnce} holds: the identity of the run that wrote it (one
     * line). Readers ignore it; it makes publishing from the same run idempotent.
     */
    public static final String PUBLISHED_FROM = "published-from";

    /** What {@link #publishOnce} did: the version holding the run's model, and whether this call wrote it. */
    public record Published(long version, boolean written) {}

    /**
     * Publishes like {@link #publish}, unless a version published from {@code source} is already in the root:
     * then that version is returned and nothing is written. A training run retried after it had published
     * (a Kubernetes Job whose pod was lost after the rename) thus does not add a second version of the same
     * model. {@code source} is written into the version before the rename, so the check and the version
     * appear together.
     *
     * @param source the run's identity, e.g. its run directory's absolute path (one line)
     * @throws IOException as {@link #publish}
     * @throws IllegalArgumentException if {@code source} is empty or spans lines
     */
    public static Published publishOnce(Path root, String source, VersionWriter writer) throws IOException {
        if (source.isBlank() || source.indexOf('\n') >= 0 || source.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a publication source is one non-empty line, not '" + source + "'");
        }
        if (Files.isDirectory(root)) {
            ModelRoot r = new ModelRoot(root);
            for (long v : r.versions()) {
                Path marker = r.versionDir(v).resolve(PUBLISHED_FROM);
                if (Files.isRegularFile(marker) && Files.readString(marker).strip().equals(source)) {
                    return new Published(v, false);
                }
            }
        }
        long v = publish(root, dir -> {
            writer.write(dir);
            Files.writeString(dir.resolve(PUBLISHED_FROM), source + "\n");
        });
        return new Published(v, true);
    }

    /** The version named by a directory name, or -1 if the name is not a positive decimal number. */
    public static long parseVersion(String name) {
        if (name.isEmpty() || name.length() > 18) {
            return -1;
        }
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return -1;
            }
        }
        long v = Long.parseLong(name);
        return v > 0 ? v : -1;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // best effort: a hidden temporary directory left behind is never read as a version
        }
    }
}
