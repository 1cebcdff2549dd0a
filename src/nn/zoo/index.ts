// Importing this module registers every architecture of the zoo.
