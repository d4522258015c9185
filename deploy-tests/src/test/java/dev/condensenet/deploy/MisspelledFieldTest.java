package dev.condensenet.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The validation is strict for real: a copy of a committed manifest with one misspelled (or mistyped)
 * field must fail, at the top and deep inside, while fields the CRD leaves open stay accepted.
 */
class MisspelledFieldTest {

  /** A deep copy of the object with the field at {@code pointer} renamed to {@code newName}. */
  static JsonNode renamed(JsonNode doc, String pointer, String newName) {
    JsonNode copy = doc.deepCopy();
    int slash = pointer.lastIndexOf('/');
    ObjectNode parent = (ObjectNode) copy.at(pointer.substring(0, slash));
    String field = pointer.substring(slash + 1);
    assertTrue(parent.has(field), "the manifest has no " + pointer + " to misspell");
    parent.set(newName, parent.remove(field));
    return copy;
  }

  static void assertRejected(JsonNode bad, String misspelled) {
    List<String> errors = CrdSchemas.validate(bad);
    assertFalse(errors.isEmpty(), "misspelled '" + misspelled + "' was accepted");
    assertTrue(errors.stream().anyMatch(e -> e.contains(misspelled)), "errors do not name " + misspelled + ": " + errors);
  }

  @Test
  void flinkDeploymentWithAMisspelledFieldFails() {
    JsonNode fd = DeployFiles.only("FlinkDeployment").doc();
    assertTrue(CrdSchemas.validate(fd).isEmpty(), "the committed manifest itself must be valid");
    assertRejected(renamed(fd, "/spec/taskManager", "taskManger"), "taskManger");
    assertRejected(renamed(fd, "/spec/job/upgradeMode", "upgradeMod"), "upgradeMod");
    // Deep inside the embedded pod template (core Pod schema inside the CRD).
    assertRejected(renamed(fd, "/spec/podTemplate/spec/containers/0/volumeMounts", "volumeMount"), "volumeMount");
  }

  @Test
  void flinkDeploymentWithAWrongValueFails() {
    ObjectNode fd = DeployFiles.only("FlinkDeployment").doc().deepCopy();
    ((ObjectNode) fd.at("/spec")).put("flinkVersion", "v2_9");
    assertFalse(CrdSchemas.validate(fd).isEmpty(), "an unknown flinkVersion was accepted");
    ObjectNode fd2 = DeployFiles.only("FlinkDeployment").doc().deepCopy();
    ((ObjectNode) fd2.at("/spec/job")).put("parallelism", "two");
    assertFalse(CrdSchemas.validate(fd2).isEmpty(), "a string parallelism was accepted");
  }

  @Test
  void strimziResourcesWithAMisspelledFieldFail() {
    JsonNode topic = DeployFiles.ofKind("KafkaTopic").get(0).doc();
    assertRejected(renamed(topic, "/spec/partitions", "partitons"), "partitons");
    JsonNode kafka = DeployFiles.only("Kafka").doc();
    assertRejected(renamed(kafka, "/spec/kafka/listeners/0/tls", "tsl"), "tsl");
    JsonNode pool = DeployFiles.only("KafkaNodePool").doc();
    assertRejected(renamed(pool, "/spec/storage/volumes/0/deleteClaim", "deleteClaims"), "deleteClaims");
  }

  @Test
  void fieldsTheCrdKeepsOpenStayOpen() {
    // flinkConfiguration and Kafka's config are x-kubernetes-preserve-unknown-fields: any key is legal
    // there (their keys are checked against Flink and Kafka themselves in the cross-check tests).
    ObjectNode fd = DeployFiles.only("FlinkDeployment").doc().deepCopy();
    ((ObjectNode) fd.at("/spec/flinkConfiguration")).put("any.key.at.all", "1");
    assertEquals(List.of(), CrdSchemas.validate(fd));
    // int-or-string accepts both forms but nothing else.
    ObjectNode pool = DeployFiles.only("KafkaNodePool").doc().deepCopy();
    ((ObjectNode) pool.at("/spec/resources/requests")).put("cpu", 2);
    assertEquals(List.of(), CrdSchemas.validate(pool));
    ((ObjectNode) pool.at("/spec/resources/requests")).put("cpu", true);
    assertFalse(CrdSchemas.validate(pool).isEmpty(), "a boolean quantity was accepted");
  }

  @Test
  void coreKindsWithAMisspelledFieldFail() {
    JsonNode job = DeployFiles.only("Job").doc();
    assertThrows(UnrecognizedPropertyException.class, () -> StrictModel.parse(renamed(job, "/spec/backoffLimit", "backofLimit")));
    assertThrows(UnrecognizedPropertyException.class,
        () -> StrictModel.parse(renamed(job, "/spec/template/spec/containers/0/resources", "resource")));
    JsonNode pvc = DeployFiles.ofKind("PersistentVolumeClaim").get(0).doc();
    assertThrows(UnrecognizedPropertyException.class, () -> StrictModel.parse(renamed(pvc, "/spec/accessModes", "accessMode")));
    JsonNode config = DeployFiles.only("ConfigMap").doc();
    assertThrows(UnrecognizedPropertyException.class, () -> StrictModel.parse(renamed(config, "/data", "date")));
    JsonNode fd = DeployFiles.only("FlinkDeployment").doc();
    assertThrows(UnrecognizedPropertyException.class,
        () -> StrictModel.podTemplate(renamed(fd, "/spec/podTemplate/spec/securityContext", "securityContex").at("/spec/podTemplate")));
  }
}
