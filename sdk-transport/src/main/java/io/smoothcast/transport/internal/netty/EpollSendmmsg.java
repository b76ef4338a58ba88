package io.smoothcast.transport.internal.netty;

import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.LinuxSocket;
import io.netty.channel.epoll.Native;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * The one place that reaches into Netty's epoll internals: one {@code sendmmsg(2)} of datagrams
 * whose bytes the caller has laid out in native memory, on an epoll channel's socket, with no
 * Netty message object per datagram.
 *
 * <p>Why internals: Netty 4.2.18 makes {@code Native.sendmmsg} and the message class
 * ({@code NativeDatagramPacketArray.NativeDatagramPacket}) public, but a message can only be
 * built and filled in through package-private or private members (its outer class's
 * constructor, its fields; the outer class being package-private, even its name cannot be
 * written outside Netty's package), and the public {@code Native.sendmmsg} picks the address
 * family from the JVM's preference instead of the socket's. Those members are reached here through
 * {@link MethodHandles#privateLookupIn}, which works when Netty is on the class path (the
 * unnamed module); on a module path, or with a Netty whose members differ, the lookups fail,
 * {@link #isAvailable()} is false and callers keep Netty's ordinary write path. Nothing is
 * placed in Netty's own packages.
 *
 * <p>Each message carries one iovec (the caller's {@code iovAddress}, 16 bytes: base and
 * length, native order), set once per slot, and a recipient, rewritten only when the recipient
 * of that slot changes: in a steady fan-out nothing is written per datagram through these
 * handles, and nothing is allocated.
 *
 * <p>The datagrams go out through the channel's {@link SendOnlySocket} when it can have one (a
 * socket no epoll watches, on the same address and port), else through the channel's own socket.
 * The file descriptor number is taken at creation: use an instance only while its channel is
 * active, checked on the channel's event loop (where a close, the send-only socket's included,
 * also runs), so that the number cannot have been closed and reused by another file in between.
 *
 * <p>Thread-safety: an instance is used by one thread (the channel's event loop) only.
 */
final class EpollSendmmsg implements DatagramBatch {

    /** Most messages in one call: the kernel's UIO_MAXIOV caps vlen at 1024. */
    static final int MAX_MESSAGES = 1024;

    private static final Linkage LINKAGE = Linkage.link();
    // Static finals, so that the JIT treats the handles as constants.
    private static final MethodHandle SENDMMSG = LINKAGE.sendmmsg;
    private static final MethodHandle SET_RECIPIENT_LENGTH = LINKAGE.setRecipientAddrLen;
    private static final MethodHandle SET_RECIPIENT_SCOPE = LINKAGE.setRecipientScopeId;
    private static final MethodHandle SET_RECIPIENT_PORT = LINKAGE.setRecipientPort;

    /** A {@code NativeDatagramPacket[]}, typed as its supertype since its name is out of reach. */
    private final Object[] messages;
    private final InetSocketAddress[] recipients;
    private final byte[][] recipientBytes;
    private final int fd;
    private final boolean ipv6;
    /** The channel's {@link SendOnlySocket} this sends through, or null for the channel's own socket. */
    private final LinuxSocket sendOnlySocket;

    private EpollSendmmsg(long[] iovAddresses, int fd, boolean ipv6, LinuxSocket sendOnlySocket) throws Throwable {
        int capacity = iovAddresses.length;
        this.messages = (Object[]) Array.newInstance(LINKAGE.messageClass, capacity);
        this.recipients = new InetSocketAddress[capacity];
        this.recipientBytes = new byte[capacity][];
        Object outer = LINKAGE.outerConstructor.newInstance();
        try {
            for (int i = 0; i < capacity; i++) {
                Object message = LINKAGE.messageConstructor.newInstance(outer);
                LINKAGE.setMemoryAddress.invokeExact(message, iovAddresses[i]);
                LINKAGE.setCount.invokeExact(message, 1);
                recipientBytes[i] = (byte[]) LINKAGE.getRecipientAddr.invokeExact(message);
                messages[i] = message;
            }
        } finally {
            // Only its messages are used: its own iovec memory is given back at once.
            LINKAGE.releaseOuter.invokeExact(outer);
        }
        this.fd = fd;
        this.ipv6 = ipv6;
        this.sendOnlySocket = sendOnlySocket;
    }

    /**
     * Whether this Netty's internals linked (and the epoll transport loaded).
     *
     * @return true if {@link #forChannel} can succeed
     */
    static boolean isAvailable() {
        return LINKAGE.failure == null;
    }

    /**
     * Why the internals did not link, for a log line.
     *
     * @return the failure, or null when available
     */
    static Throwable unavailableReason() {
        return LINKAGE.failure;
    }

    /**
     * Messages for an epoll datagram channel's socket, message {@code i} sending the one iovec at
     * {@code iovAddresses[i]} (16 bytes: base address and length, native order, which the caller
     * fills in before each {@link #send}). On the channel's event loop, which also opens the
     * channel's {@link SendOnlySocket} here when it can have one.
     *
     * @param channel the channel; must be an open {@link EpollDatagramChannel}
     * @param iovAddresses one iovec address per message, 1 to {@link #MAX_MESSAGES} of them
     * @return the messages, or null if the channel is not epoll or the internals did not link
     */
    static EpollSendmmsg forChannel(Channel channel, long[] iovAddresses) {
        if (iovAddresses.length < 1 || iovAddresses.length > MAX_MESSAGES) {
            throw new IllegalArgumentException("iovAddresses must hold 1-" + MAX_MESSAGES + ": " + iovAddresses.length);
        }
        if (!isAvailable() || !(channel instanceof EpollDatagramChannel epoll) || !epoll.isOpen()) {
            return null;
        }
        try {
            if (!(epoll.fd() instanceof Socket socket)) {
                return null;
            }
            LinuxSocket sendOnly = SendOnlySocket.open(epoll);
            if (sendOnly == null) {
                boolean ipv6 = (boolean) LINKAGE.getSocketIpv6.invokeExact((Object) socket);
                return new EpollSendmmsg(iovAddresses.clone(), socket.intValue(), ipv6, null);
            }
            // Closed with the channel, on its event loop: after the channel is inactive, which
            // every send checks first.
            epoll.closeFuture().addListener(closed -> SendOnlySocket.close(sendOnly));
            return new EpollSendmmsg(iovAddresses.clone(), sendOnly.intValue(), false, sendOnly);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return null;
        }
    }

    /**
     * The channel's {@link SendOnlySocket} the datagrams go out through, if any.
     *
     * @return the socket, or null when they go out through the channel's own socket
     */
    LinuxSocket sendOnlySocket() {
        return sendOnlySocket;
    }

    /**
     * Messages per call.
     *
     * @return the number of iovec addresses given at creation
     */
    @Override
    public int capacity() {
        return messages.length;
    }

    /**
     * Sets where message {@code slot} goes. The address bytes are only rebuilt when the slot's
     * recipient changes (then {@link InetAddress#getAddress()} allocates a small array).
     */
    @Override
    public void recipient(int slot, InetSocketAddress recipient) {
        if (recipients[slot] != recipient) {
            writeRecipient(slot, recipient);
        }
    }

    private void writeRecipient(int slot, InetSocketAddress recipient) {
        Object message = messages[slot];
        InetAddress address = recipient.getAddress();
        byte[] bytes = recipientBytes[slot];
        byte[] raw = address.getAddress();
        int scopeId = 0;
        if (address instanceof Inet4Address) {
            // Netty's native layer always takes an IPv4-mapped IPv6 address (::ffff:a.b.c.d).
            Arrays.fill(bytes, 0, 10, (byte) 0);
            bytes[10] = (byte) 0xff;
            bytes[11] = (byte) 0xff;
            System.arraycopy(raw, 0, bytes, 12, 4);
        } else {
            System.arraycopy(raw, 0, bytes, 0, 16);
            scopeId = ((Inet6Address) address).getScopeId();
        }
        try {
            SET_RECIPIENT_LENGTH.invokeExact(message, 16);
            SET_RECIPIENT_SCOPE.invokeExact(message, scopeId);
            SET_RECIPIENT_PORT.invokeExact(message, recipient.getPort());
        } catch (Throwable e) {
            throw new IllegalStateException("linked setter failed", e);
        }
        recipients[slot] = recipient;
    }

    /**
     * One {@code sendmmsg(2)} of messages {@code [offset, offset + count)}.
     *
     * @return messages the kernel took, from {@code offset}; 0 when the socket's send buffer is
     *     full (EAGAIN)
     * @throws IOException the first message failed for another reason (for example an
     *     unreachable network for its recipient); the kernel took none of them
     */
    @Override
    public int send(int offset, int count) throws IOException {
        try {
            return (int) SENDMMSG.invokeExact(fd, ipv6, messages, offset, count);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("sendmmsg", e);
        }
    }

    /** The handles to Netty's members, resolved once; {@link #failure} says why not. */
    private static final class Linkage {
        static final String MESSAGE_CLASS = "io.netty.channel.epoll.NativeDatagramPacketArray$NativeDatagramPacket";

        Class<?> messageClass;
        Constructor<?> outerConstructor;
        Constructor<?> messageConstructor;
        /** (Object outer) void. */
        MethodHandle releaseOuter;
        /** (int fd, boolean ipv6, Object[] messages, int offset, int count) int. */
        MethodHandle sendmmsg;
        /** (Object socket) boolean. */
        MethodHandle getSocketIpv6;
        /** (Object message, long) void. */
        MethodHandle setMemoryAddress;
        /** (Object message, int) void, likewise the other int setters. */
        MethodHandle setCount;
        MethodHandle setRecipientAddrLen;
        MethodHandle setRecipientScopeId;
        MethodHandle setRecipientPort;
        /** (Object message) byte[]. */
        MethodHandle getRecipientAddr;
        Throwable failure;

        static Linkage link() {
            Linkage linkage = new Linkage();
            try {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException("epoll unavailable", Epoll.unavailabilityCause());
                }
                if (!Native.IS_SUPPORTING_SENDMMSG) {
                    throw new IllegalStateException("the kernel lacks sendmmsg");
                }
                MethodHandles.Lookup self = MethodHandles.lookup();
                Class<?> message = Class.forName(MESSAGE_CLASS, false, Native.class.getClassLoader());
                Class<?> outer = message.getDeclaringClass();
                MethodHandles.Lookup inMessage = MethodHandles.privateLookupIn(message, self);
                MethodHandles.Lookup inOuter = MethodHandles.privateLookupIn(outer, self);
                MethodHandles.Lookup inNative = MethodHandles.privateLookupIn(Native.class, self);
                MethodHandles.Lookup inSocket = MethodHandles.privateLookupIn(Socket.class, self);
                Class<?> messages = Array.newInstance(message, 0).getClass();
                linkage.messageClass = message;
                linkage.outerConstructor = outer.getDeclaredConstructor();
                linkage.outerConstructor.setAccessible(true);
                linkage.messageConstructor = message.getConstructor(outer);
                linkage.releaseOuter = inOuter.findVirtual(outer, "release", MethodType.methodType(void.class))
                        .asType(MethodType.methodType(void.class, Object.class));
                MethodType sendmmsg = MethodType.methodType(int.class, int.class, boolean.class, messages, int.class,
                        int.class);
                linkage.sendmmsg = inNative.findStatic(Native.class, "sendmmsg", sendmmsg)
                        .asType(sendmmsg.changeParameterType(2, Object[].class));
                linkage.getSocketIpv6 = inSocket.findGetter(Socket.class, "ipv6", boolean.class)
                        .asType(MethodType.methodType(boolean.class, Object.class));
                linkage.setMemoryAddress = setter(inMessage, message, "memoryAddress", long.class);
                linkage.setCount = setter(inMessage, message, "count", int.class);
                linkage.setRecipientAddrLen = setter(inMessage, message, "recipientAddrLen", int.class);
                linkage.setRecipientScopeId = setter(inMessage, message, "recipientScopeId", int.class);
                linkage.setRecipientPort = setter(inMessage, message, "recipientPort", int.class);
                linkage.getRecipientAddr = inMessage.findGetter(message, "recipientAddr", byte[].class)
                        .asType(MethodType.methodType(byte[].class, Object.class));
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                linkage.failure = e;
            }
            return linkage;
        }

        private static MethodHandle setter(MethodHandles.Lookup lookup, Class<?> owner, String name, Class<?> type)
                throws ReflectiveOperationException {
            return lookup.findSetter(owner, name, type).asType(MethodType.methodType(void.class, Object.class, type));
        }
    }
}
