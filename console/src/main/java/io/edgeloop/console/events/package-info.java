/**
 * The loop's live event stream: {@code EventReader} reads the event topics from Kafka in a consumer group of its own,
 * {@code LoopEvents} turns each protobuf event into what the overview shows (type, time, the objects it is about with
 * links to their pages, its trace) and {@code EventFeed} keeps the most recent ones and fans new ones out to the
 * server-sent-event streams of the open overview pages.
 */
package io.edgeloop.console.events;
