/** Token wire format, strict base64url and HMAC helpers. Not API: may change without notice. */
package io.smoothcast.security.internal;
