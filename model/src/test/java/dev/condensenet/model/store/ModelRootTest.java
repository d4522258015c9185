package dev.condensenet.model.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The numbered-version layout: listing, atomic publishing, and what is not a version. */
class ModelRootTest {

    @TempDir
    Path tmp;

    @Test
    void publishesNumberedVersionsAtomicallyAndIgnoresOtherNames() throws Exception {
        Path root = tmp.resolve("root");
        assertEquals(1, ModelRoot.publish(root, d -> Files.writeString(d.resolve("a"), "1")));
        assertEquals(2, ModelRoot.publish(root, d -> Files.writeString(d.resolve("a"), "2")));
        Files.createDirectories(root.resolve(".tmp-9-half-written"));
        Files.createDirectories(root.resolve("notes"));
        Files.createDirectories(root.resolve("0"));
        Files.writeString(root.resolve("7"), "a file, not a version");
        ModelRoot r = ModelRoot.open(root);
        assertEquals(List.of(1L, 2L), r.versions());
        assertEquals(OptionalLong.of(2), r.latest());
        assertEquals("2", Files.readString(r.versionDir(2).resolve("a")));
        assertEquals(3, ModelRoot.publish(root, d -> { }));
    }

    @Test
    void aFailedWriteLeavesNoVersionAndNoTemporaryDirectory() throws Exception {
        Path root = tmp.resolve("root");
        assertThrows(IOException.class, () -> ModelRoot.publish(root, d -> {
            Files.writeString(d.resolve("a"), "partial");
            throw new IOException("disk full");
        }));
        try (var s = Files.list(root)) {
            assertEquals(0, s.count());
        }
        assertTrue(ModelRoot.open(root).latest().isEmpty());
    }

    @Test
    void fingerprintChangesWithTheContents() throws Exception {
        Path root = tmp.resolve("root");
        ModelRoot.publish(root, d -> Files.writeString(d.resolve("a"), "x"));
        ModelRoot r = ModelRoot.open(root);
        long before = r.fingerprint(1);
        Files.writeString(r.versionDir(1).resolve("b"), "more");
        assertNotEquals(before, r.fingerprint(1));
        assertEquals(0, r.fingerprint(5));
    }

    @Test
    void publishOnceWritesOneVersionPerSource() throws Exception {
        Path root = tmp.resolve("root");
        ModelRoot.Published first = ModelRoot.publishOnce(root, "/runs/a", d -> Files.writeString(d.resolve("m"), "a"));
        assertEquals(new ModelRoot.Published(1, true), first);
        assertEquals("/runs/a", Files.readString(root.resolve("1").resolve(ModelRoot.PUBLISHED_FROM)).strip());
        ModelRoot.publish(root, d -> Files.writeString(d.resolve("m"), "unmarked")); // e.g. condense
        ModelRoot.Published again = ModelRoot.publishOnce(root, "/runs/a", d -> {
            throw new AssertionError("must not write: the run already has version 1");
        });
        assertEquals(new ModelRoot.Published(1, false), again);
        assertEquals(new ModelRoot.Published(3, true),
                ModelRoot.publishOnce(root, "/runs/b", d -> Files.writeString(d.resolve("m"), "b")));
        assertEquals(List.of(1L, 2L, 3L), ModelRoot.open(root).versions());
        assertThrows(IllegalArgumentException.class, () -> ModelRoot.publishOnce(root, "a\nb", d -> { }));
        assertThrows(IllegalArgumentException.class, () -> ModelRoot.publishOnce(root, " ", d -> { }));
    }

    @Test
    void aMissingRootIsAOneLineError() {
        var e = assertThrows(ModelDirectoryException.class, () -> ModelRoot.open(tmp.resolve("nope")));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }
}
