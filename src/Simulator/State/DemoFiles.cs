using GitLabBus.Simulator.Git;

namespace GitLabBus.Simulator.State;

/// <summary>
/// The demo shop's files: a small Python app with a test, and what each demo merge request changes. !2 and !3 rewrite the
/// same lines of <c>checkout()</c> (they conflict); !1 changes <c>receipt()</c>, further down the same file (it merges
/// with either).
/// </summary>
public static class DemoFiles
{
    private const string Readme = """"
        # shop

        A demo web shop for GitLabBus. Run the tests with `python -m pytest`.

        """";

    private const string CiConfig = """"
        stages: [build, test, deploy]

        build:
          stage: build
          script: python -m compileall src

        test:
          stage: test
          script: python -m pytest

        deploy:
          stage: deploy
          script: echo deploy
          environment: production

        """";

    private const string Cart = """"
        """The shopping cart."""

        from dataclasses import dataclass, field


        @dataclass
        class Cart:
            items: list = field(default_factory=list)
            discounts: list = field(default_factory=list)

            def add(self, name: str, price: float, quantity: int = 1) -> None:
                self.items.append((name, price, quantity))

            def total(self) -> float:
                return sum(price * quantity for _, price, quantity in self.items)

        """";

    private const string Catalog = """"
        """Products and their prices."""

        PRODUCTS = {"book": 12.50, "pen": 2.00, "mug": 8.90}


        def price_of(name: str) -> float:
            return PRODUCTS[name]

        """";

    private const string Checkout = """"
        """Checkout: from a cart to a paid order."""

        from src.cart import Cart

        SHIPPING_FLAT_RATE = 4.90
        FREE_SHIPPING_FROM = 50.00


        def shipping_quote(cart: Cart) -> float:
            """What shipping costs for this cart."""
            if cart.total() >= FREE_SHIPPING_FROM:
                return 0.0
            return SHIPPING_FLAT_RATE


        def checkout(cart: Cart, payment) -> dict:
            """Charge the cart and return the order."""
            if not cart.items:
                raise ValueError("empty cart")
            amount = cart.total() + shipping_quote(cart)
            payment.charge(amount)
            return {"items": list(cart.items), "amount": round(amount, 2)}


        def receipt(order: dict) -> str:
            """A one-line receipt for the order."""
            return f"{len(order['items'])} items, {order['amount']:.2f} EUR"

        """";

    private const string CheckoutTest = """"
        from src.cart import Cart
        from src.checkout import checkout, shipping_quote


        class FakePayment:
            def __init__(self):
                self.charged = []

            def charge(self, amount, **options):
                self.charged.append(amount)


        def test_free_shipping_from_fifty():
            cart = Cart()
            cart.add("book", 60.0)
            assert shipping_quote(cart) == 0.0


        def test_checkout_charges_total_and_shipping():
            cart = Cart()
            cart.add("pen", 2.0, 3)
            payment = FakePayment()
            order = checkout(cart, payment)
            assert payment.charged == [10.9]
            assert order["amount"] == 10.9

        """";

    private const string CheckoutTemplate = """"
        <form method="post" action="/checkout">
          <button name="express" value="1">Express checkout</button>
          <button>Checkout</button>
        </form>

        """";

    public static IReadOnlyList<FileAction> Initial { get; } =
    [
        Create("README.md", Readme),
        Create(".gitlab-ci.yml", CiConfig),
        Create("src/cart.py", Cart),
        Create("src/catalog.py", Catalog),
        Create("src/checkout.py", Checkout),
        Create("tests/test_checkout.py", CheckoutTest),
    ];

    /// <summary>!1: discounts in the cart's total, and the receipt says so (other lines of checkout.py than !2 and !3).</summary>
    public static IReadOnlyList<FileAction> CartDiscounts { get; } =
    [
        Update(
            "src/cart.py",
            Cart.Replace(
                "        return sum(price * quantity for _, price, quantity in self.items)",
                "        gross = sum(price * quantity for _, price, quantity in self.items)\n"
                    + "        return max(0.0, gross - sum(self.discounts))",
                StringComparison.Ordinal
            )
        ),
        Update(
            "src/checkout.py",
            Checkout
                .Replace(
                    "A one-line receipt for the order.",
                    "A one-line receipt for the order, discounts included.",
                    StringComparison.Ordinal
                )
                .Replace(":.2f} EUR\"", ":.2f} EUR (discounts applied)\"", StringComparison.Ordinal)
        ),
    ];

    /// <summary>!2: an express checkout that skips the confirmation step.</summary>
    public static IReadOnlyList<FileAction> ExpressCheckout { get; } =
    [
        Update(
            "src/checkout.py",
            Checkout
                .Replace(
                    "def checkout(cart: Cart, payment) -> dict:",
                    "def checkout(cart: Cart, payment, express: bool = False) -> dict:",
                    StringComparison.Ordinal
                )
                .Replace(
                    "Charge the cart and return the order.",
                    "Charge the cart and return the order; express skips the confirmation.",
                    StringComparison.Ordinal
                )
                .Replace("    payment.charge(amount)\n", "    payment.charge(amount, confirm=not express)\n", StringComparison.Ordinal)
        ),
        Create("templates/checkout.html", CheckoutTemplate),
    ];

    /// <summary>!3: reuse a shipping quote already computed, on the same lines as !2.</summary>
    public static IReadOnlyList<FileAction> CheckoutSpeedup { get; } =
    [
        Update(
            "src/checkout.py",
            Checkout
                .Replace(
                    "def checkout(cart: Cart, payment) -> dict:",
                    "def checkout(cart: Cart, payment, quote: float | None = None) -> dict:",
                    StringComparison.Ordinal
                )
                .Replace(
                    "Charge the cart and return the order.",
                    "Charge the cart and return the order, reusing a quote.",
                    StringComparison.Ordinal
                )
                .Replace(
                    "    amount = cart.total() + shipping_quote(cart)\n    payment.charge(amount)\n",
                    "    amount = cart.total() + (quote if quote is not None else shipping_quote(cart))\n"
                        + "    payment.charge(amount, confirm=True)\n",
                    StringComparison.Ordinal
                )
        ),
    ];

    private static FileAction Create(string path, string content) => new("create", path, Content: content);

    private static FileAction Update(string path, string content) => new("update", path, Content: content);
}
