package dev.palisade.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line of the results table.
 *
 * @param value the headline figure, in {@code unit}
 * @param ratio against the floor (see {@code ratioOf}); null only where nothing can be measured
 * @param status MET, MISSED or N/A against {@code target}
 */
record Row(
    String name,
    String store,
    Double value,
    String unit,
    Double ratio,
    String ratioOf,
    String target,
    String status,
    Map<String, Object> details) {

  static Map<String, Object> details(Object... keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i + 1 < keyValues.length; i += 2) {
      map.put((String) keyValues[i], keyValues[i + 1]);
    }
    return map;
  }
}
