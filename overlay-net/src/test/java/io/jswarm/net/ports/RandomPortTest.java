package io.jswarm.net.ports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RandomPortTest {

    @Test
    void staysInTheDefaultRange() {
        for (int i = 0; i < 200; i++) {
            int p = PortRules.randomPort(Set.of());
            assertTrue(p >= 30000 && p <= 32767, "port " + p);
        }
    }

    @Test
    void findsTheLastFreePortAndFailsWhenNoneIsLeft() {
        Set<Integer> allButOne = IntStream.rangeClosed(40000, 40100).filter(p -> p != 40042)
                .boxed().collect(Collectors.toSet());
        assertEquals(40042, PortRules.randomPort(40000, 40100, allButOne));
        assertThrows(IllegalStateException.class, () -> PortRules.randomPort(40000, 40000, Set.of(40000)));
        assertThrows(IllegalArgumentException.class, () -> PortRules.randomPort(2, 1, Set.of()));
    }
}
