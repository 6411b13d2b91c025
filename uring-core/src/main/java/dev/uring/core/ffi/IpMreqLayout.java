package dev.uring.core.ffi;

/**
 * Multicast membership requests of setsockopt: {@code struct ip_mreqn} (12 bytes: imr_multiaddr
 * @0, imr_address @4, imr_ifindex s32 @8; addresses in network order) for IP_ADD_MEMBERSHIP,
 * IP_DROP_MEMBERSHIP and IP_MULTICAST_IF, and {@code struct ipv6_mreq} (20 bytes:
 * ipv6mr_multiaddr[16] @0, ipv6mr_interface s32 @16) for IPV6_ADD_MEMBERSHIP and IPV6_DROP_MEMBERSHIP.
 */
public final class IpMreqLayout {
    public static final long MREQN_SIZE = 12;
    public static final long MREQN_MULTIADDR = 0;
    public static final long MREQN_ADDRESS = 4;
    public static final long MREQN_IFINDEX = 8;
    public static final long IPV6_MREQ_SIZE = 20;
    public static final long IPV6_MREQ_MULTIADDR = 0;
    public static final long IPV6_MREQ_INTERFACE = 16;

    private IpMreqLayout() {
    }
}
