package io.sparkdnn.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** An enum constant known by a short lower-case name in configuration and compact strings. */
public interface Token {

  String token();

  /**
   * The constant of {@code type} named {@code text} (case-insensitive); otherwise an
   * IllegalArgumentException "unknown WHAT 'text'; expected one of [...]".
   */
  static <E extends Enum<E> & Token> E parse(Class<E> type, String text, String what) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      if (e.token().equals(t)) {
        return e;
      }
      names.add(e.token());
    }
    throw new IllegalArgumentException("unknown " + what + " '" + text + "'; expected one of " + names);
  }
}
