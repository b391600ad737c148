package io.edgeloop.registry.domain;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Searches registered models by name pattern, in a chosen order, a page at a time (offset paging: the order may be
 * by a timestamp that many models share, so the name is always the last tie-breaker and pages never overlap).
 */
@ApplicationScoped
public class ModelSearch {
    /** What models can be ordered by. */
    public enum Field {
        /** The model name. */
        NAME("m.name"),
        /** When the model last changed (its latest version was registered). */
        LAST_UPDATED("m.updatedAt"),
        /** When the model was created. */
        CREATED("m.createdAt");

        private final String column;

        Field(String column) {
            this.column = column;
        }
    }

    /**
     * One ordering key.
     *
     * @param field what to order by
     * @param ascending ascending (true) or descending
     */
    public record Sort(Field field, boolean ascending) {}

    @Inject
    EntityManager em;

    /**
     * One page of models.
     *
     * @param likePattern SQL LIKE pattern on the name (case-insensitive, {@code \} escapes), null for all
     * @param sorts ordering keys, first is most significant; the name ascending is always appended as tie-breaker
     * @param offset models to skip
     * @param limit at most this many
     */
    @Transactional
    public List<ModelSummary> search(String likePattern, List<Sort> sorts, int offset, int limit) {
        StringBuilder jpql = new StringBuilder("select m.name, m.createdAt, m.updatedAt,"
                + " (select max(v.version) from ModelVersionEntity v where v.modelName = m.name)"
                + " from ModelEntity m");
        if (likePattern != null) {
            jpql.append(" where lower(m.name) like lower(:pattern) escape '\\'");
        }
        jpql.append(" order by ");
        boolean byName = false;
        for (Sort s : sorts) {
            jpql.append(s.field().column).append(s.ascending() ? " asc, " : " desc, ");
            byName |= s.field() == Field.NAME;
        }
        if (byName) {
            jpql.setLength(jpql.length() - 2);
        } else {
            jpql.append("m.name asc");
        }
        var query = em.createQuery(jpql.toString(), Object[].class)
                .setFirstResult(offset)
                .setMaxResults(limit);
        if (likePattern != null) {
            query.setParameter("pattern", likePattern);
        }
        return query.getResultList().stream()
                .map(r -> new ModelSummary(
                        (String) r[0], r[3] == null ? 0 : ((Number) r[3]).intValue(), (Instant) r[1], (Instant) r[2]))
                .toList();
    }
}
