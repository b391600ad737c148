/** Event contracts: parsing and one validator per event type, shared by every consumer of that type. */
package io.edgeloop.common.events;
