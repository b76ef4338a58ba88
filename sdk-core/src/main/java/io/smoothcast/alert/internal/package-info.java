/**
 * Implementation details of the alert evaluator; not public API, may change without notice.
 */
package io.smoothcast.alert.internal;
