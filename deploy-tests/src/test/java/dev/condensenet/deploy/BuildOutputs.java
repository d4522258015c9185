package dev.condensenet.deploy;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What `mvn package` writes that the Dockerfiles copy, read from the modules' poms (shade outputFile,
 * copy-dependencies outputDirectory) rather than from a target/ folder, because tests run before the
 * package phase: a renamed jar in a pom breaks this check before it breaks an image build.
 */
final class BuildOutputs {
  private BuildOutputs() {}

  /** Repository-relative paths of the files and folders the package phase produces. */
  static Set<String> declared() {
    Set<String> out = new TreeSet<>();
    for (String module : new String[] {"pipeline", "training"}) {
      Document pom = pom(module);
      for (String tag : new String[] {"outputFile", "outputDirectory"}) {
        NodeList nodes = pom.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
          String p = nodes.item(i).getTextContent().trim().replace("${project.build.directory}", module + "/target");
          out.add(p);
        }
      }
    }
    return out;
  }

  /** The text of the first element with this tag inside the plugin execution with this id. */
  static String executionConfig(String module, String executionId, String tag) {
    NodeList executions = pom(module).getElementsByTagName("execution");
    for (int i = 0; i < executions.getLength(); i++) {
      Element e = (Element) executions.item(i);
      NodeList ids = e.getElementsByTagName("id");
      if (ids.getLength() > 0 && ids.item(0).getTextContent().trim().equals(executionId)) {
        NodeList values = e.getElementsByTagName(tag);
        return values.getLength() == 0 ? null : values.item(0).getTextContent().trim();
      }
    }
    throw new AssertionError(module + "/pom.xml has no execution " + executionId);
  }

  static Document pom(String module) {
    try {
      Path pom = DeployFiles.root().resolve(module).resolve("pom.xml");
      return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
    } catch (Exception e) {
      throw new IllegalStateException("cannot read " + module + "/pom.xml", e);
    }
  }
}
