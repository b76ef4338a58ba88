package io.smoothcast.alert;

/**
 * How a {@link GroupRule} groups subjects. Subjects with an empty grouping field (for example no
 * region known) form a group of their own under "".
 *
 * <p>Immutable; thread-safe.
 */
public enum GroupBy {
    /** All endpoints of one stream. */
    STREAM,
    /** All subjects served by nodes of one region. */
    REGION,
    /** All subjects served by one node. */
    NODE,
    /** All endpoints of one stream within one region. */
    STREAM_AND_REGION;

    /**
     * @param subject a subject
     * @return the key of the group it belongs to
     */
    public String keyOf(Subject subject) {
        return switch (this) {
            case STREAM -> subject.streamId();
            case REGION -> subject.region();
            case NODE -> subject.nodeId();
            case STREAM_AND_REGION -> subject.streamId() + "@" + subject.region();
        };
    }

    /**
     * @param key a group key
     * @param example a member of the group, for the fields the key does not hold
     * @return the subject an alert about the group names: only the fields that define the group
     */
    Subject groupSubject(String key, Subject example) {
        return switch (this) {
            case STREAM -> new Subject(key, "", "", "");
            case REGION -> new Subject("", "", "", key);
            case NODE -> new Subject("", "", key, example.region());
            case STREAM_AND_REGION -> new Subject(example.streamId(), "", "", example.region());
        };
    }
}
