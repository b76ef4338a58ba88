package io.smoothcast.transport.internal.control;

/**
 * Rules for stream ids: 1 to {@value #MAX_LENGTH} ASCII characters from {@code A-Z a-z 0-9 . _ ~ -}
 * (the URL-safe unreserved set of RFC 3986), so an id can appear in a URL, a log line or a
 * file name without escaping. Stateless and thread-safe.
 */
public final class StreamIds {

    /** Longest stream id, in bytes. */
    public static final int MAX_LENGTH = 64;

    private StreamIds() {
    }

    /**
     * Whether a string is a valid stream id.
     *
     * @param streamId the candidate, may be null
     * @return true if it is 1 to {@value #MAX_LENGTH} allowed characters
     */
    public static boolean isValid(CharSequence streamId) {
        if (streamId == null || streamId.length() == 0 || streamId.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < streamId.length(); i++) {
            if (!isAllowed(streamId.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Validates a stream id given as an argument.
     *
     * @param streamId the candidate
     * @param argumentName the name used in the exception message
     * @return {@code streamId}
     * @throws IllegalArgumentException if it is not valid
     */
    public static String require(String streamId, String argumentName) {
        if (!isValid(streamId)) {
            throw new IllegalArgumentException(argumentName + " must be 1 to " + MAX_LENGTH
                    + " characters from A-Z a-z 0-9 . _ ~ -: " + streamId);
        }
        return streamId;
    }

    static boolean isAllowed(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '~' || c == '-';
    }
}
