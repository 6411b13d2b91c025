package dev.uring.policy;

import dev.uring.core.Ring;
import dev.uring.core.Sqe;
import java.io.IOException;
import java.util.function.Consumer;

/** Submits one prepared SQE on a test ring and returns its CQE result. */
final class OneShot {
    private OneShot() {
    }

    static int run(Ring ring, long userData, Consumer<Sqe> prep) throws IOException {
        Sqe sqe = ring.nextSqe();
        prep.accept(sqe);
        sqe.userData(userData);
        ring.submitAndWait(1);
        int[] res = {Integer.MIN_VALUE};
        long[] seen = {-1};
        while (seen[0] != userData) {
            if (ring.reapCqes((ud, r, f) -> {
                if (ud == userData) {
                    seen[0] = ud;
                    res[0] = r;
                }
            }) == 0) {
                ring.submitAndWait(1);
            }
        }
        return res[0];
    }
}
