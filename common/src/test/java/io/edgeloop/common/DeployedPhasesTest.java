package io.edgeloop.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgeloop.common.events.DeployedPhases;
import io.edgeloop.proto.events.v1.Deployed;
import io.edgeloop.proto.events.v1.DeployedPhase;
import org.junit.jupiter.api.Test;

class DeployedPhasesTest {
    @Test
    void everyPhaseRoundTripsThroughItsWireName() {
        for (DeployedPhase p : DeployedPhase.values()) {
            if (p == DeployedPhase.UNRECOGNIZED) {
                continue;
            }
            assertEquals(p, DeployedPhases.parse(DeployedPhases.wireName(p)));
        }
    }

    @Test
    void consumersReadTheEnumAndFallBackToTheStringOfOlderProducers() {
        Deployed both = DeployedPhases.set(Deployed.newBuilder(), DeployedPhase.DEPLOYED_PHASE_ROLLED_BACK)
                .build();
        assertEquals("rolled-back", both.getPhase());
        assertEquals(DeployedPhase.DEPLOYED_PHASE_ROLLED_BACK, DeployedPhases.of(both));
        Deployed older = Deployed.newBuilder().setPhase("completed").build();
        assertEquals(DeployedPhase.DEPLOYED_PHASE_COMPLETED, DeployedPhases.of(older));
        assertEquals(DeployedPhase.DEPLOYED_PHASE_UNSPECIFIED, DeployedPhases.of(Deployed.getDefaultInstance()));
        assertEquals(DeployedPhase.DEPLOYED_PHASE_UNSPECIFIED, DeployedPhases.parse("exploded"));
    }
}
