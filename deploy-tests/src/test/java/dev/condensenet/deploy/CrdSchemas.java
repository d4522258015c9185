package dev.condensenet.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The operators' CRDs (copied unmodified into src/test/resources/deploy/crds) as strict JSON schemas.
 *
 * <p>An API server with strict field validation rejects a field that the structural schema does not
 * declare, unless {@code x-kubernetes-preserve-unknown-fields} keeps it. JSON Schema accepts unknown
 * fields by default, so {@link #strict} injects {@code additionalProperties: false} wherever an object
 * schema is structural (properties listed, or an object with neither properties nor a map type) and
 * unknown fields are not preserved. It also maps the two OpenAPI extensions that change what a value may
 * be: {@code x-kubernetes-int-or-string} and {@code nullable}. CEL rules (x-kubernetes-validations) are
 * not evaluated here.
 */
final class CrdSchemas {
  static final String[] CRD_FILES = {
    "flink-operator-1.15.0-flinkdeployments.flink.apache.org-v1.yml",
    "strimzi-1.2.0-040-Crd-kafka.yaml",
    "strimzi-1.2.0-043-Crd-kafkatopic.yaml",
    "strimzi-1.2.0-045-Crd-kafkanodepool.yaml",
  };

  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
  private static Map<String, Schema> schemas;

  private CrdSchemas() {}

  /** "apiVersion kind" → strict schema, for every served version of every CRD. */
  static synchronized Map<String, Schema> all() {
    if (schemas == null) {
      Map<String, Schema> m = new HashMap<>();
      for (String file : CRD_FILES) {
        JsonNode crd = DeployFiles.parseYaml(resource("deploy/crds/" + file)).get(0);
        String group = crd.path("spec").path("group").asText();
        String kind = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode v : crd.path("spec").path("versions")) {
          if (v.path("served").asBoolean()) {
            JsonNode schema = strict(v.path("schema").path("openAPIV3Schema").deepCopy(), true);
            // apiVersion, kind and metadata belong to every object whether or not a CRD lists them (the
            // Flink CRD does not); metadata is validated by the API server as ObjectMeta (see the tests).
            ObjectNode props = (ObjectNode) schema.path("properties");
            props.putObject("apiVersion").put("type", "string");
            props.putObject("kind").put("type", "string");
            props.putObject("metadata").put("type", "object");
            m.put(group + "/" + v.path("name").asText() + " " + kind, REGISTRY.getSchema(schema));
          }
        }
      }
      schemas = m;
    }
    return schemas;
  }

  static boolean covers(String apiVersion, String kind) {
    return all().containsKey(apiVersion + " " + kind);
  }

  /** Validation errors of one object against its CRD; fails when no CRD covers it. */
  static List<String> validate(JsonNode doc) {
    String key = doc.path("apiVersion").asText() + " " + doc.path("kind").asText();
    Schema schema = all().get(key);
    if (schema == null) {
      throw new AssertionError("no CRD schema for " + key + "; known: " + all().keySet());
    }
    return schema.validate(doc).stream().map(Error::toString).toList();
  }

  /**
   * Rewrites an OpenAPI v3 structural schema in place. {@code structural} is false below anyOf/oneOf/
   * allOf/not: those branches only constrain values the structural part already declares, so closing
   * them would reject fields that are legal.
   */
  static JsonNode strict(JsonNode node, boolean structural) {
    if (!(node instanceof ObjectNode o)) {
      return node;
    }
    boolean preserve = o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (o.path("x-kubernetes-int-or-string").asBoolean(false)) {
      o.remove("type");
      if (!o.has("anyOf")) {
        ArrayNode any = o.putArray("anyOf");
        any.addObject().put("type", "integer");
        any.addObject().put("type", "string");
      }
    }
    if (o.path("nullable").asBoolean(false) && o.get("type") != null && o.get("type").isTextual()) {
      String t = o.get("type").asText();
      o.putArray("type").add(t).add("null");
    }
    boolean isObject = o.has("properties") || "object".equals(o.path("type").asText());
    if (structural && isObject && !preserve && !o.has("additionalProperties")) {
      o.put("additionalProperties", false);
    }
    if (o.get("properties") instanceof ObjectNode props) {
      for (Iterator<Map.Entry<String, JsonNode>> it = props.fields(); it.hasNext(); ) {
        strict(it.next().getValue(), structural);
      }
    }
    strict(o.get("items"), structural);
    if (o.get("additionalProperties") != null && o.get("additionalProperties").isObject()) {
      strict(o.get("additionalProperties"), structural);
    }
    for (String logical : new String[] {"anyOf", "oneOf", "allOf"}) {
      if (o.get(logical) instanceof ArrayNode branches) {
        branches.forEach(b -> strict(b, false));
      }
    }
    strict(o.get("not"), false);
    return o;
  }

  static String resource(String name) {
    try (InputStream in = CrdSchemas.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
