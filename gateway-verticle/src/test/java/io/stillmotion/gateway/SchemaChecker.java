package io.stillmotion.gateway;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON value against the subset of JSON Schema our OpenAPI document uses: {@code $ref}
 * (local), {@code type} (one or several), {@code const}, {@code enum}, {@code required},
 * {@code properties}, {@code items}, {@code minimum}, {@code maximum}. Anything else is ignored.
 */
final class SchemaChecker {

  private final JsonObject document;

  SchemaChecker(JsonObject document) {
    this.document = document;
  }

  /** Follows a local reference such as {@code #/components/schemas/Task}. */
  JsonObject resolve(JsonObject node) {
    JsonObject current = node;
    while (current != null && current.containsKey("$ref")) {
      String ref = current.getString("$ref");
      if (!ref.startsWith("#/")) {
        throw new IllegalArgumentException("only local references are supported: " + ref);
      }
      JsonObject target = document;
      for (String part : ref.substring(2).split("/")) {
        target = target.getJsonObject(part.replace("~1", "/").replace("~0", "~"));
        if (target == null) {
          throw new IllegalArgumentException("dangling reference " + ref);
        }
      }
      current = target;
    }
    return current;
  }

  List<String> check(Object value, JsonObject schema) {
    List<String> problems = new ArrayList<>();
    check(value, schema, "$", problems);
    return problems;
  }

  private void check(Object value, JsonObject schemaOrRef, String at, List<String> problems) {
    JsonObject schema = resolve(schemaOrRef);
    Object type = schema.getValue("type");
    if (type != null) {
      List<?> types = type instanceof JsonArray array ? array.getList() : List.of(type);
      if (types.stream().noneMatch(t -> hasType(value, (String) t))) {
        problems.add(at + ": expected " + types + " but got " + describe(value));
        return;
      }
    }
    if (schema.containsKey("const") && !same(schema.getValue("const"), value)) {
      problems.add(at + ": expected " + schema.getValue("const") + " but got " + value);
    }
    JsonArray allowed = schema.getJsonArray("enum");
    if (allowed != null && allowed.stream().noneMatch(a -> same(a, value))) {
      problems.add(at + ": " + value + " is not one of " + allowed);
    }
    if (value instanceof Number n) {
      if (schema.containsKey("minimum") && n.doubleValue() < schema.getDouble("minimum")) {
        problems.add(at + ": " + n + " < minimum " + schema.getValue("minimum"));
      }
      if (schema.containsKey("maximum") && n.doubleValue() > schema.getDouble("maximum")) {
        problems.add(at + ": " + n + " > maximum " + schema.getValue("maximum"));
      }
    }
    if (value instanceof JsonObject object) {
      for (Object name : schema.getJsonArray("required", new JsonArray())) {
        if (!object.containsKey((String) name)) {
          problems.add(at + ": missing required property " + name);
        }
      }
      JsonObject properties = schema.getJsonObject("properties", new JsonObject());
      for (Map.Entry<String, Object> property : properties) {
        if (object.containsKey(property.getKey())) {
          check(object.getValue(property.getKey()), (JsonObject) property.getValue(), at + "." + property.getKey(),
              problems);
        }
      }
    }
    if (value instanceof JsonArray array && schema.containsKey("items")) {
      for (int i = 0; i < array.size(); i++) {
        check(array.getValue(i), schema.getJsonObject("items"), at + "[" + i + "]", problems);
      }
    }
  }

  private static boolean hasType(Object value, String type) {
    return switch (type) {
      case "null" -> value == null;
      case "object" -> value instanceof JsonObject;
      case "array" -> value instanceof JsonArray;
      case "string" -> value instanceof String;
      case "boolean" -> value instanceof Boolean;
      case "number" -> value instanceof Number;
      case "integer" -> value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue());
      default -> throw new IllegalArgumentException("unknown type " + type);
    };
  }

  private static boolean same(Object expected, Object actual) {
    if (expected instanceof Number a && actual instanceof Number b) {
      return a.doubleValue() == b.doubleValue();
    }
    return expected == null ? actual == null : expected.equals(actual);
  }

  private static String describe(Object value) {
    return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
  }
}
