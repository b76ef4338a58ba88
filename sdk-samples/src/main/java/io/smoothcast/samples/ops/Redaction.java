package io.smoothcast.samples.ops;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Removes secrets before anything leaves the machine in a diagnostics bundle: configuration values
 * whose key names a secret, and {@code key=value} / {@code key: value} pairs, bearer tokens and
 * URL passwords inside free text such as log lines.
 *
 * <p>Stateless; thread-safe.
 */
final class Redaction {

    /** What a redacted value is replaced with. */
    static final String REDACTED = "<redacted>";

    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i).*(secret|token|password|passwd|pwd|credential|private|api[-_.]?key|auth|srtp[-_.]?key|master[-_.]?key).*");
    private static final Pattern SECRET_PAIR = Pattern.compile(
            "(?i)\\b([\\w.-]*(?:secret|token|password|passwd|pwd|credential|api[-_.]?key|auth|key)[\\w.-]*)(\\s*[=:]\\s*)((?:bearer|basic)\\s+\\S+|\"[^\"]*\"|\\S+)");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/=-]+");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/:@\\s]+:)[^@\\s/]+@");

    private Redaction() {
    }

    /**
     * @param configuration settings by name; not null
     * @return a sorted copy with secret values replaced by {@link #REDACTED} and free text scrubbed
     */
    static Map<String, String> configuration(Map<String, String> configuration) {
        Map<String, String> out = new TreeMap<>();
        configuration.forEach((k, v) -> out.put(k, SECRET_KEY.matcher(k).matches() ? REDACTED : text(v)));
        return out;
    }

    /**
     * @param line free text, for example a log line; null gives ""
     * @return the text with secret pairs, bearer tokens and URL passwords replaced
     */
    static String text(String line) {
        if (line == null) {
            return "";
        }
        String s = SECRET_PAIR.matcher(line).replaceAll("$1$2" + REDACTED);
        s = BEARER.matcher(s).replaceAll("$1 " + REDACTED);
        return URL_PASSWORD.matcher(s).replaceAll("$1" + REDACTED + "@");
    }
}
