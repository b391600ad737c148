CREATE DATABASE edgeloop_data;
CREATE DATABASE edgeloop_training;
CREATE DATABASE edgeloop_compiler;
CREATE DATABASE edgeloop_registry;
CREATE DATABASE edgeloop_deployment;
CREATE DATABASE edgeloop_monitoring;
