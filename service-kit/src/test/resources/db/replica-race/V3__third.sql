insert into race_a (id, name) values (1, 'only once');
