package dev.palisade.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reading the small JSON bodies of the admin and Keymanager APIs, with 400s that name the field. */
final class JsonBodies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonBodies() {}

  static JsonNode object(byte[] body) {
    JsonNode node;
    try {
      node = JSON.readTree(body);
    } catch (IOException e) {
      throw new ApiException.BadRequest(null, "the body is not valid JSON");
    }
    if (node == null || !node.isObject()) {
      throw new ApiException.BadRequest(null, "the body must be a JSON object");
    }
    return node;
  }

  static String text(JsonNode request, String field, boolean required) {
    JsonNode value = request.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw new ApiException.BadRequest(field, field + " is required");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw new ApiException.BadRequest(field, field + " must be a string");
    }
    return value.asText();
  }

  static List<String> strings(JsonNode request, String field, boolean required) {
    JsonNode value = request.get(field);
    List<String> values = new ArrayList<>();
    if (value == null || value.isNull()) {
      if (required) {
        throw new ApiException.BadRequest(field, field + " is required");
      }
      return values;
    }
    if (!value.isArray()) {
      throw new ApiException.BadRequest(field, field + " must be an array of strings");
    }
    for (JsonNode element : value) {
      if (!element.isTextual()) {
        throw new ApiException.BadRequest(field, field + " must be an array of strings");
      }
      values.add(element.asText());
    }
    return values;
  }
}
