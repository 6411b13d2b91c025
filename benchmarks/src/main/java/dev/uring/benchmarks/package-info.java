/** JMH benchmarks of reactive-uring against its peers. */
package dev.uring.benchmarks;
