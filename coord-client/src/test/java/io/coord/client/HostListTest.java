package io.coord.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HostListTest {
    private static final List<InetSocketAddress> HOSTS = List.of(
            InetSocketAddress.createUnresolved("a", 1), InetSocketAddress.createUnresolved("b", 2),
            InetSocketAddress.createUnresolved("c", 3), InetSocketAddress.createUnresolved("d", 4));

    @Test
    void rotatesThroughEveryHostInTheShuffledOrder() {
        HostList list = new HostList(HOSTS, new Random(1));
        List<InetSocketAddress> seen = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            seen.add(list.next());
        }
        assertEquals(list.order(), seen.subList(0, 4));
        assertEquals(seen.subList(0, 4), seen.subList(4, 8));
        assertEquals(new HashSet<>(HOSTS), new HashSet<>(seen));
    }

    @Test
    void shuffleDependsOnTheRandomSource() {
        Set<List<InetSocketAddress>> orders = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            orders.add(new HostList(HOSTS, new Random(seed)).order());
        }
        assertNotEquals(1, orders.size());
        assertEquals(new HostList(HOSTS, new Random(7)).order(), new HostList(HOSTS, new Random(7)).order());
    }
}
