package dev.condensenet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What `mvn package` wrote to {@code pipeline/target/flink-lib/} (for a TaskManager's /opt/flink/lib,
 * copied by docker/Dockerfile.pipeline): exactly the seven DJL jars, the very files the build resolved.
 * Runs in the integration-test phase, after package; a missing folder there is a failure, not a skip.
 */
@EnabledIfSystemProperty(named = "condensenet.phase", matches = "integration-test",
        disabledReason = "needs pipeline/target/flink-lib/ from the package phase: runs in integration-test")
class FlinkLibIT {
    @Test
    void flinkLibHoldsExactlyTheDjlJarsTheBuildResolved() throws Exception {
        Path lib = DeployFiles.root().resolve("pipeline/target/flink-lib");
        assertTrue(Files.isDirectory(lib), lib + " is missing after the package phase: the maven-dependency-plugin"
                + " execution flink-lib in pipeline/pom.xml must write it");
        // The same file names as on the test classpath: the versions the build resolved, nothing else.
        Set<String> names = new TreeSet<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            for (String[] e : DockerfilesTest.FLINK_LIB_JARS) {
                if (entry.contains("/" + e[0] + "/" + e[1] + "/")) {
                    names.add(Path.of(entry).getFileName().toString());
                }
            }
        }
        assertEquals(DockerfilesTest.FLINK_LIB_JARS.length, names.size(), "on the test classpath: " + names);
        try (Stream<Path> files = Files.list(lib)) {
            assertEquals(names, new TreeSet<>(files.map(p -> p.getFileName().toString()).toList()), lib.toString());
        }
    }
}
