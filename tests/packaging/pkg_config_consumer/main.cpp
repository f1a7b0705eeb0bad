#include "../consumer_main.cpp"
