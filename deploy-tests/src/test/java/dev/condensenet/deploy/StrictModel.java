package dev.condensenet.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.Map;

/**
 * Core Kubernetes kinds read with fabric8's typed model, made strict.
 *
 * <p>fabric8 model classes keep unknown fields in an {@code additionalProperties} map through a
 * {@code @JsonAnySetter}, so FAIL_ON_UNKNOWN_PROPERTIES alone accepts misspellings. This mapper's
 * introspector ignores every any-setter, so an unknown field reaches FAIL_ON_UNKNOWN_PROPERTIES and fails
 * (StrictModelTest proves it with a misspelled field).
 */
final class StrictModel {
  /** The core kinds k8s/ may use; anything else must be covered by a CRD schema. */
  static final Map<String, Class<?>> KINDS = Map.of(
      "v1 ConfigMap", ConfigMap.class,
      "v1 Secret", Secret.class,
      "v1 Service", Service.class,
      "v1 ServiceAccount", ServiceAccount.class,
      "v1 PersistentVolumeClaim", PersistentVolumeClaim.class,
      "v1 Namespace", Namespace.class,
      "batch/v1 Job", Job.class,
      "rbac.authorization.k8s.io/v1 Role", Role.class,
      "rbac.authorization.k8s.io/v1 RoleBinding", RoleBinding.class);

  static final ObjectMapper MAPPER = new ObjectMapper()
      .setAnnotationIntrospector(new JacksonAnnotationIntrospector() {
        @Override
        public Boolean hasAnySetter(Annotated a) {
          return Boolean.FALSE;
        }
      })
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

  private StrictModel() {}

  static boolean covers(String apiVersion, String kind) {
    return KINDS.containsKey(apiVersion + " " + kind);
  }

  /** Parses one core object; throws (naming the field) on anything the type does not declare. */
  static Object parse(JsonNode doc) throws Exception {
    Class<?> type = KINDS.get(doc.path("apiVersion").asText() + " " + doc.path("kind").asText());
    if (type == null) {
      throw new AssertionError("not a core kind this test knows: " + doc.path("apiVersion") + " " + doc.path("kind"));
    }
    return MAPPER.treeToValue(doc, type);
  }

  static ObjectMeta metadata(JsonNode metadata) throws Exception {
    return MAPPER.treeToValue(metadata, ObjectMeta.class);
  }

  /** A FlinkDeployment podTemplate, read as the core type the operator declares for it (a Pod). */
  static Pod podTemplate(JsonNode template) throws Exception {
    return MAPPER.treeToValue(template, Pod.class);
  }
}
