using System.Numerics;

namespace Maas.Pipelines.Processors.Image;

/// <summary>
/// The smallest rotated rectangle around a set of points, as OpenCV's <c>minAreaRect</c> (which
/// PaddleOCR's DB post-processing boxes text with): the convex hull, then rotating calipers —
/// the best rectangle has a side on one of the hull's edges, so trying each edge finds it.
/// </summary>
internal static class MinAreaRect
{
    /// <summary>A rectangle: its centre, the unit vector along one side, and the half extents along that side and across it.</summary>
    internal readonly record struct Rect(Vector2 Center, Vector2 Axis, float HalfAlong, float HalfAcross)
    {
        /// <summary>The corners grown by <paramref name="grow"/> on every side, ordered top-left, top-right, bottom-right, bottom-left.</summary>
        public Vector2[] Corners(float grow)
        {
            var along = Axis * (HalfAlong + grow);
            var across = new Vector2(-Axis.Y, Axis.X) * (HalfAcross + grow);
            return Order([Center - along - across, Center + along - across, Center + along + across, Center - along + across]);
        }
    }

    /// <summary>The smallest rectangle holding every point of <paramref name="points"/> (at least one).</summary>
    public static Rect Fit(List<Vector2> points)
    {
        var hull = Hull(points);
        var best = new Rect(hull[0], Vector2.UnitX, 0, 0);
        var bestArea = float.PositiveInfinity;
        for (var i = 0; i < hull.Count && hull.Count > 1; i++)
        {
            var edge = hull[(i + 1) % hull.Count] - hull[i];
            var length = edge.Length();
            if (length < 1e-6f)
            {
                continue;
            }

            var u = edge / length;
            var v = new Vector2(-u.Y, u.X);
            float minU = float.PositiveInfinity, maxU = float.NegativeInfinity, minV = float.PositiveInfinity, maxV = float.NegativeInfinity;
            foreach (var p in hull)
            {
                var a = Vector2.Dot(p, u);
                var b = Vector2.Dot(p, v);
                minU = Math.Min(minU, a);
                maxU = Math.Max(maxU, a);
                minV = Math.Min(minV, b);
                maxV = Math.Max(maxV, b);
            }

            var area = (maxU - minU) * (maxV - minV);
            if (area < bestArea)
            {
                bestArea = area;
                best = new Rect((u * ((minU + maxU) / 2)) + (v * ((minV + maxV) / 2)), u, (maxU - minU) / 2, (maxV - minV) / 2);
            }
        }

        return best;
    }

    /// <summary>The convex hull's corners in order around it, without collinear points (Andrew's monotone chain).</summary>
    internal static List<Vector2> Hull(List<Vector2> points)
    {
        var sorted = points.OrderBy(p => p.X).ThenBy(p => p.Y).ToList();
        if (sorted.Count < 3)
        {
            return sorted;
        }

        var hull = new List<Vector2>(sorted.Count + 1);
        foreach (var pass in new[] { sorted, Enumerable.Reverse(sorted).ToList() })
        {
            var floor = hull.Count;
            foreach (var p in pass)
            {
                while (hull.Count >= floor + 2 && Cross(hull[^2], hull[^1], p) <= 0)
                {
                    hull.RemoveAt(hull.Count - 1);
                }

                hull.Add(p);
            }

            hull.RemoveAt(hull.Count - 1); // the pass's last point starts the next one
        }

        return hull;
    }

    // PaddleOCR's order: of the two leftmost corners the upper is top-left and the lower
    // bottom-left; of the two rightmost the upper is top-right. Text then reads top-left → top-right.
    private static Vector2[] Order(Vector2[] corners)
    {
        Array.Sort(corners, (a, b) => a.X != b.X ? a.X.CompareTo(b.X) : a.Y.CompareTo(b.Y));
        var (topLeft, bottomLeft) = corners[0].Y <= corners[1].Y ? (corners[0], corners[1]) : (corners[1], corners[0]);
        var (topRight, bottomRight) = corners[2].Y <= corners[3].Y ? (corners[2], corners[3]) : (corners[3], corners[2]);
        return [topLeft, topRight, bottomRight, bottomLeft];
    }

    private static float Cross(Vector2 o, Vector2 a, Vector2 b) => ((a.X - o.X) * (b.Y - o.Y)) - ((a.Y - o.Y) * (b.X - o.X));
}
