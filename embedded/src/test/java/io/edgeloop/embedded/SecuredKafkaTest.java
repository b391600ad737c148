package io.edgeloop.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** A secured broker: no client without credentials, and each user only where its ACLs allow. */
class SecuredKafkaTest {

    @Test
    void clientsAuthenticateAndMayOnlyUseTheirOwnTopics() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().secured(true).build().start()) {
            kafka.createTopics(List.of("mine", "theirs"));
            String pw = kafka.createUser("svc-a");
            kafka.grant("svc-a", List.of("mine"), List.of("theirs"), "svc-a");

            // no credentials: the SASL listener does not even finish the handshake
            Map<String, Object> anonymous = new HashMap<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(),
                    ProducerConfig.MAX_BLOCK_MS_CONFIG,
                    3000));
            try (KafkaProducer<String, String> p = producer(anonymous)) {
                Exception e = assertThrows(
                        Exception.class,
                        () -> p.send(new ProducerRecord<>("mine", "x")).get(10, TimeUnit.SECONDS));
                assertTrue(
                        e.getMessage().contains("Topic mine not present in metadata")
                                || e instanceof ExecutionException,
                        e.toString());
            }
            // a wrong password is refused
            Map<String, Object> wrong = config(kafka, "svc-a", "not-the-password");
            try (KafkaProducer<String, String> p = producer(wrong)) {
                Exception e = assertThrows(
                        Exception.class,
                        () -> p.send(new ProducerRecord<>("mine", "x")).get(10, TimeUnit.SECONDS));
                assertTrue(causedBy(e, SaslAuthenticationException.class), e.toString());
            }
            // the right user writes its own topic, and not another service's
            Map<String, Object> svc = config(kafka, "svc-a", pw);
            try (KafkaProducer<String, String> p = producer(svc)) {
                p.send(new ProducerRecord<>("mine", "ok")).get(10, TimeUnit.SECONDS);
                Exception e = assertThrows(
                        Exception.class,
                        () -> p.send(new ProducerRecord<>("theirs", "forged")).get(10, TimeUnit.SECONDS));
                assertTrue(causedBy(e, TopicAuthorizationException.class), e.toString());
            }
            // it reads what it consumes in its own group, not in another service's group
            assertEquals(0, consume(svc, "theirs", "svc-a-main"));
            assertThrows(GroupAuthorizationException.class, () -> consume(svc, "theirs", "svc-b-main"));
            assertThrows(TopicAuthorizationException.class, () -> consume(svc, "mine", "svc-a-main"));
            // the super user sees everything
            assertEquals(
                    1,
                    kafka.read("mine", r -> r.size() == 1, Duration.ofSeconds(20))
                            .size());
        }
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Object> config(EmbeddedKafka kafka, String user, String password) {
        Map<String, Object> c = new HashMap<>(kafka.clientSecurity(user, password));
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        return c;
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> c) {
        return new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
    }

    private static int consume(Map<String, Object> base, String topic, String group) {
        Map<String, Object> c = new HashMap<>(base);
        c.remove(ProducerConfig.MAX_BLOCK_MS_CONFIG);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            int n = 0;
            for (int i = 0; i < 10; i++) {
                n += consumer.poll(Duration.ofMillis(300)).count();
            }
            return n;
        }
    }
}
