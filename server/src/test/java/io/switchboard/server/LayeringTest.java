package io.switchboard.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The seams of the design, checked on the compiled classes. */
class LayeringTest {
    private static final JavaClasses SERVER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.switchboard.server");

    @Test
    void theNodeNeverTouchesATransport() {
        noClasses().that().resideInAPackage("..server.node..")
                .should().dependOnClassesThat().resideInAnyPackage("..server.transport..", "io.netty.channel..")
                .check(SERVER);
    }

    @Test
    void sessionsKnowNeitherTheNodeNorATransport() {
        noClasses().that().resideInAPackage("..server.session..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "..server.node..", "..server.transport..", "..server.broker..", "..server.presence..")
                .check(SERVER);
    }

    @Test
    void theHubKnowsSessionsButNotTheNodeOrTransports() {
        noClasses().that().resideInAPackage("..server.hub..")
                .should().dependOnClassesThat().resideInAnyPackage("..server.node..", "..server.transport..",
                        "..server.presence..")
                .check(SERVER);
    }

    @Test
    void brokersAndPresenceStoresStandAlone() {
        noClasses().that().resideInAnyPackage("..server.broker..", "..server.presence..")
                .should().dependOnClassesThat().resideInAnyPackage("..server.node..", "..server.transport..",
                        "..server.session..", "..server.hub..")
                .check(SERVER);
    }

    /** Every package of the server, sub-packages apart, depends on the others without a cycle. */
    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.switchboard.server.(**)").should().beFreeOfCycles().check(SERVER);
    }

    @Test
    void nothingPrintsToTheConsole() {
        noClasses().should().accessField(System.class, "out").orShould().accessField(System.class, "err")
                .check(SERVER);
    }
}
