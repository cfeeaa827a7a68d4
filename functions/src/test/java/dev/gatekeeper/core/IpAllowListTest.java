package dev.gatekeeper.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatekeeper.core.organisation.IpAllowList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpAllowListTest {

    @Test
    void literalAddressesMatchExactly() {
        assertThat(IpAllowList.permits(List.of("203.0.113.7"), "203.0.113.7")).isTrue();
        assertThat(IpAllowList.permits(List.of("203.0.113.7"), "203.0.113.8")).isFalse();
    }

    @Test
    void cidrBlocksMatchTheirPrefix() {
        assertThat(IpAllowList.permits(List.of("10.1.0.0/16"), "10.1.255.3")).isTrue();
        assertThat(IpAllowList.permits(List.of("10.1.0.0/16"), "10.2.0.1")).isFalse();
        assertThat(IpAllowList.permits(List.of("2001:db8::/32"), "2001:db8:1::5")).isTrue();
        assertThat(IpAllowList.permits(List.of("2001:db8::/32"), "2001:db9::5")).isFalse();
    }

    @Test
    void ipv4NeverMatchesAnIpv6Entry() {
        assertThat(IpAllowList.permits(List.of("::/0"), "127.0.0.1")).isFalse();
    }

    @Test
    void hostNamesAndGarbageNeverMatchAndAreNeverResolved() {
        assertThat(IpAllowList.permits(List.of("localhost"), "127.0.0.1")).isFalse();
        assertThat(IpAllowList.permits(List.of("127.0.0.1"), "localhost")).isFalse();
        assertThat(IpAllowList.permits(List.of("127.0.0.1"), null)).isFalse();
        assertThat(IpAllowList.permits(List.of("10.0.0.0/99"), "10.0.0.1")).isFalse();
        assertThat(IpAllowList.permits(List.of("10.0.0.0/x"), "10.0.0.1")).isFalse();
        assertThat(IpAllowList.permits(List.of("999.1.1.1"), "999.1.1.1")).isFalse();
        assertThat(IpAllowList.permits(List.of("256.0.0.0/8"), "10.0.0.1")).isFalse();
    }

    @Test
    void anEmptyListPermitsNothing() {
        assertThat(IpAllowList.permits(List.of(), "127.0.0.1")).isFalse();
    }
}
