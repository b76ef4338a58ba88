package io.smoothcast.payload;

/** Argument checks shared by the public classes of this package; messages name the argument. */
final class Arguments {

    private Arguments() {
    }

    static void checkRange(byte[] array, int offset, int length, String name) {
        if (array == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (offset < 0 || length < 0 || offset > array.length - length) {
            throw new IllegalArgumentException("offset " + offset + " and length " + length + " must lie inside "
                    + name + " of " + array.length + " bytes");
        }
    }

    static void checkOutput(byte[] out, int outOffset) {
        if (out == null) {
            throw new IllegalArgumentException("out must not be null");
        }
        if (outOffset < 0 || outOffset > out.length) {
            throw new IllegalArgumentException("outOffset must lie in [0, " + out.length + "]: " + outOffset);
        }
    }

    static int checkBetween(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must lie in [" + min + ", " + max + "]: " + value);
        }
        return value;
    }
}
