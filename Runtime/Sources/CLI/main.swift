// `edge`: this repository's own binary, the swift-edge command line (EdgeCLI) serving the seed apps in
// Functions/. A project made by `edge init` has the same three lines with its own Functions/ target.
import EdgeCLI
import Functions

await EdgeMain.run(ServedApp(routes: FunctionsManifest.routes, apps: FunctionsManifest.apps, product: "edge"))
