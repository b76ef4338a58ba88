package io.smoothcast.rtp.internal;

/**
 * Walks RFC 8285 header extension blocks (one-byte and two-byte element headers). Shared by the
 * RTP view (validation and lookup) so both follow exactly the same rules:
 * <ul>
 *   <li>a zero byte is padding and is skipped (both forms);</li>
 *   <li>one-byte form: id 15 ends processing, and so does id 0 with a non-zero length (as
 *       RFC 8285 section 4.2 says for the reserved id; the elements before it stay valid);</li>
 *   <li>an element whose header or data runs past the block is an error.</li>
 * </ul>
 *
 * <p>Stateless; thread-safe; allocates nothing.
 */
public final class HeaderExtensions {

    private HeaderExtensions() {
    }

    /**
     * Counts the elements of a block.
     *
     * @return the number of elements, or -1 if an element overruns the block
     */
    public static int countElements(byte[] b, int dataOffset, int dataLength, boolean twoByte) {
        return (int) walk(b, dataOffset, dataLength, twoByte, -1);
    }

    /**
     * Finds the first element with {@code id}.
     *
     * @return {@code (dataOffset << 16) | dataLength} of the element, or -1 if absent (or the
     *     block is malformed before it)
     */
    public static long find(byte[] b, int dataOffset, int dataLength, boolean twoByte, int id) {
        return walk(b, dataOffset, dataLength, twoByte, id);
    }

    /**
     * With {@code wantedId < 0}: returns the element count, or -1 on overrun. Otherwise: returns
     * the packed location of {@code wantedId}, or -1.
     */
    private static long walk(byte[] b, int dataOffset, int dataLength, boolean twoByte, int wantedId) {
        final int end = dataOffset + dataLength;
        int p = dataOffset;
        int count = 0;
        while (p < end) {
            final int first = b[p] & 0xFF;
            if (first == 0) {
                p++;
                continue;
            }
            final int id;
            final int len;
            final int data;
            if (twoByte) {
                if (p + 2 > end) {
                    return -1;
                }
                id = first;
                len = b[p + 1] & 0xFF;
                data = p + 2;
            } else {
                id = first >>> 4;
                if (id == 15 || id == 0) {
                    break;
                }
                len = (first & 0x0F) + 1;
                data = p + 1;
            }
            if (len > end - data) {
                return -1;
            }
            if (id == wantedId) {
                return ((long) data << 16) | len;
            }
            count++;
            p = data + len;
        }
        return wantedId < 0 ? count : -1;
    }
}
